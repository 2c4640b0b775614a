/**
 * A host's events to its UI, gathered until the loop turn ends (or `max` of them), then sent as one
 * message. A stored message brings an event or two, so a burst of hundreds a turn was as many socket
 * writes (browser host) or thread messages (the core's worker), each a task for the receiving side too.
 * A host flushes before it answers a request, so the events a request caused still come first.
 */
/**
 * The most events one message carries, on every hop: the worker's protocol refuses more, and a turn of a
 * bigger burst goes as several messages.
 */
export const MAX_EVENTS_PER_MESSAGE = 256;

export interface EventBatcher<T> {
  add(event: T): void;
  /** Sends what is gathered now (nothing when nothing is). */
  flush(): void;
}

export function createEventBatcher<T>(send: (batch: T[]) => void, max = MAX_EVENTS_PER_MESSAGE): EventBatcher<T> {
  let queued: T[] = [];
  let scheduled = false;
  const flush = (): void => {
    if (queued.length === 0) return;
    const batch = queued;
    queued = [];
    send(batch);
  };
  return {
    add(event) {
      queued.push(event);
      if (queued.length >= max) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          flush();
        });
      }
    },
    flush,
  };
}
