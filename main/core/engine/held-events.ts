import { TypedEmitter, type PayloadArgs } from '../events/typed-emitter.js';
import type { EngineEvents } from '../kernel/engine-events.js';

/**
 * An emitter that holds what is emitted into it until `release()`, then emits it, in order, on the
 * engine's own. Work that runs inside a transaction gets it in place of `ctx.events`, so listeners
 * (the UI, the session layer) never hear of a change that a rollback may still undo.
 * Only for emitting: a listener added here would never be called.
 */
export class HeldEvents extends TypedEmitter<EngineEvents> {
  private readonly held: (() => void)[] = [];

  constructor(private readonly target: TypedEmitter<EngineEvents>) {
    super();
  }

  override emit<K extends keyof EngineEvents>(event: K, ...args: PayloadArgs<EngineEvents[K]>): void {
    this.held.push(() => this.target.emit(event, ...args));
  }

  /** Emits everything held (after the commit). */
  release(): void {
    for (const emit of this.held.splice(0)) emit();
  }

  /** Forgets everything held (the transaction rolled back). */
  drop(): void {
    this.held.length = 0;
  }
}
