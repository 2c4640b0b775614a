/**
 * The desktop shell's attention state fed with a real engine's events, as the core worker relays
 * them (every core event, in order), for tests of what the shell shows against the real core.
 */
import type { Engine } from '../../main/core/engine/engine.js';
import type { AttentionEffects, AttentionState } from '../../main/electron/attention-state.js';
import type { CoreEventPayloads } from '../../shared/domain/core-events.js';
import { CORE_EVENT_NAMES, type CoreEventName, type PushedEvent } from '../../shared/ipc/ipc-contract.js';

/** Pipes `engine`'s events into `state` on `clock`'s time; returns the effects (badges) it asked for, as they come. */
export function attendEngine(engine: Engine, state: AttentionState, clock: () => number): AttentionEffects[] {
  const effects: AttentionEffects[] = [];
  const pipe = <E extends CoreEventName>(name: E): void => {
    engine.events.on(name, (payload: CoreEventPayloads[E]) => {
      // The same cast as the hosts' forwarding (request-dispatch.ts): a core event's payload is the contract's.
      const e = state.onEvent({ event: name, payload } as PushedEvent, clock());
      if (Object.keys(e).length > 0) effects.push(e);
    });
  };
  for (const name of CORE_EVENT_NAMES) pipe(name);
  return effects;
}
