import type { Engine } from '../../main/core/engine/engine.js';

/**
 * Hands `envelopes` to `engine` as the network would at `rate` a second: every `tickMs`, whatever the rate says
 * is due by then. Resolves once the last one is handed over (not processed: await the inbox for that).
 */
export function feedOnSchedule(engine: Pick<Engine, 'receive'>, envelopes: readonly Uint8Array[], rate: number, tickMs: number): Promise<void> {
  const started = performance.now();
  let fed = 0;
  return new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(envelopes.length, Math.floor(((performance.now() - started) / 1000) * rate));
      while (fed < due) void engine.receive(envelopes[fed++] as Uint8Array);
      if (fed < envelopes.length) setTimeout(tick, tickMs);
      else resolve();
    };
    tick();
  });
}
