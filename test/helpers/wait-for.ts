/**
 * Waits for an event instead of sleeping: resolves with the event's payload once `predicate` accepts
 * it, and rejects after `timeoutMs` with a message that names the event.
 */
import type { EventsOf, TypedEmitter } from '../../main/core/events/typed-emitter.js';

export function waitFor<T extends TypedEmitter<EventsOf<T>>, K extends keyof EventsOf<T> & string>(
  emitter: T,
  event: K,
  predicate: (payload: EventsOf<T>[K]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<EventsOf<T>[K]> {
  return emitter.waitFor(event, predicate, timeoutMs);
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
