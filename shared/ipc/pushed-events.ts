/** One event as a host pushes it to a page (Electron's event channel, the browser host's `events` frames). */
export interface PushedEventLike {
  event: string;
  payload: unknown;
}

/**
 * The events of one message from a host, which carries a loop turn's (main/host/event-batcher.ts), in
 * order: anything in it that is not an object with a string name is skipped, and a message that is not a
 * list holds none. The names are checked against the contract by the client, as before.
 */
export function pushedEventsIn(message: unknown): PushedEventLike[] {
  if (!Array.isArray(message)) return [];
  return (message as unknown[]).filter(
    (e): e is PushedEventLike => typeof e === 'object' && e !== null && typeof (e as { event?: unknown }).event === 'string',
  );
}
