import type { EngineContext } from '../kernel/engine-context.js';

/**
 * White-box access to an engine's context, for the core's own unit tests only (forging envelopes with
 * a member's keys, calling a module below the facade). Hosts, the session layer, the SDK and the
 * benchmarks use the engine's public API and its session port; the import-boundaries test keeps this
 * file out of their reach.
 */
const contexts = new WeakMap<object, EngineContext>();

export function recordEngineContext(engine: object, ctx: EngineContext): void {
  contexts.set(engine, ctx);
}

export function engineContextOf(engine: object): EngineContext {
  const ctx = contexts.get(engine);
  if (ctx === undefined) throw new Error('not an open engine');
  return ctx;
}
