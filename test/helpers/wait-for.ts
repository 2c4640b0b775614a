/**
 * Waits for an event instead of sleeping: resolves with the event's arguments once `predicate` accepts
 * them, and rejects after `timeoutMs` with a message that names the event.
 */
import type { EventsOf, TypedEmitter } from '../../main/core/transport/typed-emitter.js';

export function waitFor<T extends TypedEmitter<EventsOf<T>>, K extends keyof EventsOf<T> & string>(
  emitter: T,
  event: K,
  predicate: (...args: EventsOf<T>[K]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<EventsOf<T>[K]> {
  type Args = EventsOf<T>[K];
  return new Promise<Args>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
    }, timeoutMs);
    const off = emitter.on(event, (...args: Args) => {
      let accepted: boolean;
      try {
        accepted = predicate(...args);
      } catch (error) {
        clearTimeout(timer);
        off();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (!accepted) return;
      clearTimeout(timer);
      off();
      resolve(args);
    });
  });
}

/** Resolves once `check()` is true, re-checking after every `event` (and once right away). */
export async function waitUntil<T extends TypedEmitter<EventsOf<T>>, K extends keyof EventsOf<T> & string>(
  emitter: T,
  event: K,
  check: () => boolean,
  timeoutMs = 5_000,
): Promise<void> {
  if (check()) return;
  await waitFor(emitter, event, () => check(), timeoutMs);
}
