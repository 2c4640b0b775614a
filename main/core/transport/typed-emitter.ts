/**
 * A minimal typed event emitter: event names and argument tuples are checked by the compiler, a listener
 * that throws is logged and cannot break the emitter's owner (a transport must not die because a
 * subscriber's handler failed), and there is no special 'error' event that throws when unheard.
 */
import { createLogger } from '../log/logger.js';

const log = createLogger('transport.emitter');

/** Maps each event name to the tuple of arguments its listeners receive. */
export type EventMap = { [event: string]: readonly unknown[] };

/** The event map of an emitter class, e.g. EventsOf<SlimClient>. */
export type EventsOf<T> = T extends { readonly eventTypes?: infer E } ? (E extends EventMap ? E : never) : never;

export type Listener<Args extends readonly unknown[]> = (...args: Args) => void;

export class TypedEmitter<Events extends EventMap> {
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
    const off = this.on(event, (...args: Events[K]) => {
      off();
      listener(...args);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return;
    // Copy: listeners may add or remove listeners while being called.
    for (const listener of [...set] as Listener<Events[K]>[]) {
      try {
        listener(...args);
      } catch (error) {
        log.error('event listener threw', { event: String(event), error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}
