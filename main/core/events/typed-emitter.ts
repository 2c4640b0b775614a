/**
 * The one typed event emitter of the core (engine, session layer, transport, controller): event names and
 * payloads come from one map type, so listeners and emitters agree at compile time. An event carries one
 * payload (an object when it needs several fields), or none when its map entry is `void`.
 *
 * A listener that throws is logged and skipped; the other listeners still run and emit() returns
 * normally. Why log rather than rethrow (even later, on a microtask): the emitters sit under long-lived
 * owners (a transport's read loop, the engine inside the desktop worker, the CLI's listen loop), and an
 * uncaught exception there ends the process that holds the profile and its connection, losing far more
 * than the one listener's work. There is deliberately no special 'error' event that throws when unheard.
 */
import { createLogger } from '../log/logger.js';

const log = createLogger('events');

export type Listener<T> = (payload: T) => void;

/** The arguments emit() takes after the event name: none for a `void` event, else the payload. */
export type PayloadArgs<T> = [T] extends [void] ? [] : [payload: T];

/** The event map of an emitter class, e.g. EventsOf<SlimClient>. */
export type EventsOf<T> = T extends { readonly eventTypes?: infer E } ? E : never;

export class TypedEmitter<Events extends { [K in keyof Events]: unknown }> {
  /** Type-only marker (never set at run time) so that helpers can name an emitter's event map: EventsOf<T>. */
  declare readonly eventTypes?: Events;
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  /** Adds a listener that removes itself after the first call. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(event: K, ...args: PayloadArgs<Events[K]>): void {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return;
    const payload = args[0] as Events[K];
    // Copy: listeners may add or remove listeners while being called.
    for (const listener of [...set] as Listener<Events[K]>[]) {
      try {
        listener(payload);
      } catch (error) {
        log.error('event listener threw', { event: String(event), error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /**
   * Resolves with the first payload for which `predicate` holds (tests wait on events, never sleep);
   * rejects after `timeoutMs`, or with the predicate's own error if it throws.
   */
  waitFor<K extends keyof Events>(event: K, predicate: (payload: Events[K]) => boolean = () => true, timeoutMs = 10_000): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for '${String(event)}'`));
      }, timeoutMs);
      const off = this.on(event, (payload) => {
        let accepted: boolean;
        try {
          accepted = predicate(payload);
        } catch (error) {
          clearTimeout(timer);
          off();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (!accepted) return;
        clearTimeout(timer);
        off();
        resolve(payload);
      });
    });
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
