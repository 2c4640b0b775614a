/**
 * The names a client wants to receive, and where each stands on the current link.
 *
 * A wanted name outlives links: when a link ends every name becomes "not applied" and the next link
 * subscribes them all again before the client reports 'online'. The node files each subscription under the
 * id of its Subscribe and removes it only for an Unsubscribe carrying that same id, so the id is kept here.
 */
import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import { createSlimName, formatSlimName, type SlimName } from '../../../shared/domain/slim-name.js';
import { rejectAll, resolveAll, waitWithDeadline, type Waiter } from './deadline-waiter.js';
import { buildSubscribe, buildUnsubscribe } from './slim-message-builder.js';
import type { SlimConnection } from './slim-connection.js';
import type { WireName } from './slim-wire-types.js';

/** How names become wire names, and who subscribes (our own name, the header's source). */
export interface SubscriptionWire {
  readonly source: WireName;
  encode(name: SlimName): WireName;
}

interface Entry {
  readonly name: SlimName;
  readonly key: string;
  /** The link on which the node acked it; undefined until then and after that link ends. */
  appliedOn: SlimConnection | undefined;
  /** The id the node filed it under on `appliedOn`. */
  subscriptionId: bigint | undefined;
  /** The subscribe in flight, so concurrent callers share it. */
  applying: { readonly connection: SlimConnection; readonly promise: Promise<void> } | undefined;
  /** subscribe() calls waiting for the ack. */
  readonly waiters: Set<Waiter>;
}

function validName(name: SlimName): SlimName {
  // Callers may pass structurally typed objects that never went through the parser.
  return createSlimName(name.org, name.namespace, name.agent, name.instanceId);
}

export class SlimSubscriptions {
  readonly #ackTimeoutMs: number;
  readonly #entries = new Map<string, Entry>();

  constructor(ackTimeoutMs: number) {
    this.#ackTimeoutMs = ackTimeoutMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  names(): SlimName[] {
    return [...this.#entries.values()].map((entry) => entry.name);
  }

  /**
   * Wants `name`; resolves once the node acked it. `online` is the live link with `wire`, or undefined when
   * offline (the wait then extends to the next link). On TIMEOUT the name stays wanted.
   */
  want(name: SlimName, online: { connection: SlimConnection; wire: SubscriptionWire } | undefined, timeoutMs = this.#ackTimeoutMs): Promise<void> {
    let valid: SlimName;
    try {
      valid = validName(name);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = formatSlimName(valid);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { name: valid, key, appliedOn: undefined, subscriptionId: undefined, applying: undefined, waiters: new Set() };
      this.#entries.set(key, entry);
    }
    if (online !== undefined && entry.appliedOn === online.connection) return Promise.resolve();
    const done = waitWithDeadline(entry.waiters, timeoutMs, () =>
      new KizunaError('TIMEOUT', 'The subscription was not confirmed in time; it will be retried on reconnect.', {
        name: key,
        timeoutMs,
        online: online !== undefined,
      }),
    );
    if (online !== undefined) this.#applyInBackground(entry, online.connection, online.wire);
    return done;
  }

  /** Stops wanting `name`; on a live link, resolves after the node acked the unsubscription. */
  async withdraw(name: SlimName, online: { connection: SlimConnection; wire: SubscriptionWire } | undefined, timeoutMs = this.#ackTimeoutMs): Promise<void> {
    const key = formatSlimName(validName(name));
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    rejectAll(entry.waiters, new KizunaError('CANCELLED', 'The subscription was withdrawn.', { name: key }));
    if (online === undefined || !online.connection.isOpen) return;
    if (entry.applying?.connection === online.connection) {
      // The subscribe in flight undoes itself once it sees the entry is no longer wanted.
      await entry.applying.promise.catch(() => undefined);
      return;
    }
    if (entry.appliedOn !== online.connection) return;
    await this.#unsubscribe(entry, online.connection, online.wire, timeoutMs);
  }

  /**
   * Subscribes every wanted name on a new link, looping to catch names added meanwhile. A refused name is
   * dropped (its waiters told); anything else (timeout, closed link) rejects: the link is not usable.
   */
  async applyAll(connection: SlimConnection, wire: SubscriptionWire): Promise<void> {
    for (;;) {
      const pending = [...this.#entries.values()].filter((entry) => entry.appliedOn !== connection);
      if (pending.length === 0) return;
      await Promise.all(
        pending.map((entry) =>
          this.#apply(entry, connection, wire).catch((error: unknown) => {
            if (error instanceof KizunaError && error.code === 'SUBSCRIBE_FAILED') return;
            throw error;
          }),
        ),
      );
    }
  }

  /** A link ended: nothing is applied any more. */
  linkEnded(connection: SlimConnection): void {
    for (const entry of this.#entries.values()) {
      if (entry.appliedOn === connection) {
        entry.appliedOn = undefined;
        entry.subscriptionId = undefined;
      }
    }
  }

  /** Rejects every pending subscribe() (close, fatal errors); the wanted set itself is kept. */
  rejectWaiters(error: KizunaError): void {
    for (const entry of this.#entries.values()) rejectAll(entry.waiters, error);
  }

  #applyInBackground(entry: Entry, connection: SlimConnection, wire: SubscriptionWire): void {
    this.#apply(entry, connection, wire).catch((error: unknown) => {
      if (toKizunaError(error).code === 'TIMEOUT' && connection.isOpen) {
        // The node no longer answers on this link: treat it as dead so that the client reconnects.
        connection.close(new KizunaError('TRANSPORT_CLOSED', 'The SLIM node stopped acknowledging subscriptions.'));
      }
    });
  }

  #apply(entry: Entry, connection: SlimConnection, wire: SubscriptionWire): Promise<void> {
    if (entry.appliedOn === connection) return Promise.resolve();
    if (entry.applying?.connection === connection) return entry.applying.promise;
    const promise = (async () => {
      try {
        const destination = wire.encode(entry.name);
        const ack = await connection.request((id) => buildSubscribe(wire.source, destination, id), this.#ackTimeoutMs);
        if (!ack.success) {
          const refused = new KizunaError('SUBSCRIBE_FAILED', undefined, { name: entry.key, error: ack.error });
          if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
          rejectAll(entry.waiters, refused);
          throw refused;
        }
        entry.appliedOn = connection;
        entry.subscriptionId = ack.subscriptionId;
        if (this.#entries.get(entry.key) !== entry) {
          // withdraw() ran while we waited for the ack: undo it on the node.
          await this.#unsubscribe(entry, connection, wire, this.#ackTimeoutMs).catch(() => undefined);
          return;
        }
        resolveAll(entry.waiters);
      } finally {
        if (entry.applying?.connection === connection) entry.applying = undefined;
      }
    })();
    entry.applying = { connection, promise };
    return promise;
  }

  async #unsubscribe(entry: Entry, connection: SlimConnection, wire: SubscriptionWire, timeoutMs: number): Promise<void> {
    const subscriptionId = entry.subscriptionId;
    entry.appliedOn = undefined;
    entry.subscriptionId = undefined;
    if (subscriptionId === undefined) return;
    const destination = wire.encode(entry.name);
    const ack = await connection.request((id) => buildUnsubscribe(wire.source, destination, id), timeoutMs, subscriptionId);
    if (!ack.success) {
      throw new KizunaError('SUBSCRIBE_FAILED', 'The SLIM node refused to remove a subscription.', { name: entry.key, error: ack.error });
    }
  }
}
