/**
 * Kizuna's client for one SLIM node: keeps one negotiated OpenChannel stream up, holds the set of names we
 * want to receive, publishes, and delivers what arrives.
 *
 * Life cycle: start() (or connect()) → 'connecting' → link negotiated, every wanted name (re)subscribed and
 * acked, liveness link up → 'online' → the stream ends, HTTP/2 keepalive fails or a liveness probe goes
 * unanswered → 'offline' → wait (exponential backoff with jitter) → 'connecting' … until close(). A refused
 * credential stops the cycle: retrying the same password cannot succeed.
 *
 * Liveness: a node never routes a publish back to the connection it came from, so a link cannot probe
 * itself. Each client therefore keeps a second, small "liveness link": the main link publishes a probe to a
 * name only the liveness link subscribes, the liveness link echoes it to a name only the main link
 * subscribes. A probe that does not come back proves the main link dead in both directions' terms.
 *
 * The node drops undeliverable publishes silently, so publish() is fire-and-forget; delivery guarantees
 * (acks, retries, the durable outbox) belong to the session layer above.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import { createSlimName, formatSlimName, type SlimName } from '../../../shared/domain/slim-name.js';
import { createLogger } from '../log/logger.js';
import { DEFAULT_LIVENESS, LivenessProbe, type LivenessProbeOptions } from './liveness-probe.js';
import { ReconnectBackoff, type BackoffOptions } from './reconnect-backoff.js';
import { SlimConnection, type BasicAuthCredentials } from './slim-connection.js';
import { toGrpcTarget } from './slim-endpoint.js';
import { DEFAULT_SLIM_LINK_VERSION } from './slim-link-negotiation.js';
import { buildPublish, buildSubscribe, buildUnsubscribe, type SessionHeaderFields } from './slim-message-builder.js';
import type { DropReason, IncomingPublish } from './slim-message-reader.js';
import { encodeSlimName, hashSlimName, loadNameHasher, type NameHashes, type NameHasher } from './slim-name-encoding.js';
import { getSlimProtoCodec, type SlimProtoCodec } from './slim-proto-codec.js';
import { TypedEmitter } from './typed-emitter.js';
import type { WireName } from './slim-wire-types.js';

const log = createLogger('transport.client');

export type TransportState = 'connecting' | 'online' | 'offline';

export interface TransportStateChange {
  readonly state: TransportState;
  readonly previous: TransportState;
  /** Why the client went offline (absent after close() and for 'connecting' / 'online'). */
  readonly reason?: KizunaError;
  /** Consecutive failed attempts since the client was last online. */
  readonly attempt: number;
  /** When offline and about to retry: milliseconds until the next attempt. */
  readonly retryInMs?: number;
}

export type SlimClientEvents = {
  state: [TransportStateChange];
  message: [IncomingPublish];
  /** A received frame was dropped (counted in stats()); the detail never contains payload bytes. */
  dropped: [DropReason, string];
  /** publish() returned false earlier and the write buffer has room again. */
  drain: [];
};

export interface SlimClientOptions {
  /** `127.0.0.1:PORT`, `host:port`, `http://host:port` or `unix:///absolute/path`. */
  readonly endpoint: string;
  /** Our own name: the source of every publish. */
  readonly localName: SlimName;
  /** Basic auth for nodes started with a username/password. */
  readonly auth?: BasicAuthCredentials;
  /** Sent in the link negotiation; defaults to `kizuna-<uuid>`. */
  readonly nodeId?: string;
  /** Link protocol version we announce; defaults to DEFAULT_SLIM_LINK_VERSION. */
  readonly slimVersion?: string;
  /** Link negotiation timeout (default 5000 ms). */
  readonly negotiationTimeoutMs?: number;
  /** Subscribe/unsubscribe ack timeout (default 5000 ms). */
  readonly ackTimeoutMs?: number;
  /** Reconnection delays (defaults in reconnect-backoff.ts: 100 ms doubling to 5 s, 50 % jitter). */
  readonly backoff?: Partial<BackoffOptions>;
  /** End-to-end liveness probe through the node, or false to rely on stream errors and keepalive only. */
  readonly liveness?: Partial<LivenessProbeOptions> | false;
  /** HTTP/2 keepalive ping interval (default 10000 ms; 0 disables). */
  readonly keepaliveMs?: number;
}

export interface PublishOptions {
  /** Application payload type (SLIM's ApplicationPayload.payload_type). Default 'application/octet-stream'. */
  readonly payloadType?: string;
  /** 1 (default) = one matching subscriber, round robin; anything else = every matching subscriber. */
  readonly fanout?: number;
  /** Hops the message may take (default 8, at least 2). */
  readonly ttl?: number;
  /** Session header fields; any left out are 0 (UNSPECIFIED). The header is always sent. */
  readonly session?: Partial<SessionHeaderFields>;
  /** Carried in Message.metadata, readable by every receiver and node on the way: never put secrets here. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
}

export interface SlimClientStats {
  readonly state: TransportState;
  readonly published: number;
  readonly received: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** Successful connections after the first. */
  readonly reconnects: number;
  readonly failedAttempts: number;
  readonly probesSent: number;
  readonly lastProbeRoundTripMs: number | undefined;
  readonly subscriptions: number;
}

export const DEFAULT_PAYLOAD_TYPE = 'application/octet-stream';
/** Payload type of liveness probes; they are consumed by the client and never emitted. */
export const PROBE_PAYLOAD_TYPE = 'kizuna/transport-probe';

const DEFAULT_NEGOTIATION_TIMEOUT_MS = 5_000;
const DEFAULT_ACK_TIMEOUT_MS = 5_000;
const DEFAULT_KEEPALIVE_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

interface Waiter {
  resolve(): void;
  reject(error: KizunaError): void;
}

/** One wanted subscription and where it currently stands. */
interface SubscriptionEntry {
  readonly name: SlimName;
  readonly key: string;
  /** The connection on which the node has acked it; reset when that connection ends. */
  appliedOn: SlimConnection | undefined;
  /** The id the node filed it under on `appliedOn` (an Unsubscribe must repeat it). */
  subscriptionId: bigint | undefined;
  /** The subscribe in flight, per connection, so concurrent callers share it. */
  applying: { readonly connection: SlimConnection; readonly promise: Promise<void> } | undefined;
  /** subscribe() calls waiting for the ack. */
  readonly waiters: Set<Waiter>;
}

function sameHashes(a: NameHashes, b: NameHashes | undefined): boolean {
  return b !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

function emptyDropCounts(): Record<DropReason, number> {
  return { undecodable: 0, malformed: 0, 'command-payload': 0, 'error-notification': 0, unexpected: 0 };
}

export class SlimClient extends TypedEmitter<SlimClientEvents> {
  readonly #options: SlimClientOptions;
  readonly #localName: SlimName;
  readonly #nodeId: string;
  readonly #backoff: ReconnectBackoff;
  readonly #liveness: LivenessProbeOptions | false;
  readonly #wanted = new Map<string, SubscriptionEntry>();
  /** Subscribed by the main link only: where the liveness link echoes probes. */
  readonly #echoName: SlimName;
  /** Subscribed by the liveness link only: where the main link sends probes. */
  readonly #probeName: SlimName;

  #state: TransportState = 'offline';
  #started = false;
  #closed = false;
  /** Set when retrying cannot help (refused credentials, missing protocol file); stops the cycle. */
  #fatal: KizunaError | undefined;
  #lastReason: KizunaError | undefined;
  #connection: SlimConnection | undefined;
  #livenessLink: SlimConnection | undefined;
  #probe: LivenessProbe | undefined;
  #runLoop: Promise<void> | undefined;
  #sleepTimer: NodeJS.Timeout | undefined;
  #wakeSleep: (() => void) | undefined;
  readonly #stateWaiters = new Set<Waiter>();

  #hasher: NameHasher | undefined;
  #codec: SlimProtoCodec | undefined;
  #localWire: WireName | undefined;
  #echoWire: WireName | undefined;
  #echoHashes: NameHashes | undefined;
  #probeWire: WireName | undefined;
  #probeHashes: NameHashes | undefined;

  #published = 0;
  #received = 0;
  readonly #dropped = emptyDropCounts();
  #reconnects = 0;
  #failedAttempts = 0;
  #everOnline = false;
  #probesSent = 0;
  #lastProbeRoundTripMs: number | undefined;

  constructor(options: SlimClientOptions) {
    super();
    toGrpcTarget(options.endpoint); // validate early: a bad endpoint is a configuration error, not "offline"
    // Re-validate: callers may hand us a structurally typed object that never went through the parser.
    this.#localName = createSlimName(
      options.localName.org,
      options.localName.namespace,
      options.localName.agent,
      options.localName.instanceId,
    );
    this.#options = options;
    this.#nodeId = options.nodeId ?? `kizuna-${randomUUID()}`;
    this.#backoff = new ReconnectBackoff(options.backoff);
    this.#liveness = options.liveness === false ? false : { ...DEFAULT_LIVENESS, ...options.liveness };
    const probeId = randomBytes(12).toString('hex');
    this.#echoName = createSlimName('kizuna', 'transport-probe', `${probeId}-echo`);
    this.#probeName = createSlimName('kizuna', 'transport-probe', `${probeId}-probe`);
  }

  get state(): TransportState {
    return this.#state;
  }

  get localName(): SlimName {
    return this.#localName;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** The names this client wants to receive (acked or waiting for the next connection). */
  subscriptions(): SlimName[] {
    return [...this.#wanted.values()].map((entry) => entry.name);
  }

  /** Begins connecting in the background; reconnects until close(). Idempotent. Never throws for "offline". */
  start(): void {
    if (this.#closed) throw new KizunaError('TRANSPORT_CLOSED');
    if (this.#started) return;
    this.#started = true;
    this.#runLoop = this.#run().catch((error: unknown) => {
      // #run handles its own errors; reaching this is a bug, and it must not become an unhandled rejection.
      log.error('transport loop failed', { error: error instanceof Error ? error.message : String(error) });
    });
  }

  /**
   * start() and wait to be online. On failure the client is closed and the error says why:
   * AUTH_FAILED, NODE_UNREACHABLE (with the last reason in details) or INTERNAL.
   */
  async connect(options: WaitOptions = {}): Promise<void> {
    this.start();
    try {
      await this.waitOnline({ timeoutMs: options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Resolves when online (immediately if already). Rejects when the wait times out, on a fatal error, or on close. */
  waitOnline(options: WaitOptions = {}): Promise<void> {
    if (this.#state === 'online') return Promise.resolve();
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    if (this.#closed) return Promise.reject(new KizunaError('TRANSPORT_CLOSED'));
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          this.#stateWaiters.delete(waiter);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          this.#stateWaiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiter.reject(
          new KizunaError('NODE_UNREACHABLE', undefined, {
            endpoint: this.#options.endpoint,
            timeoutMs,
            lastReason: this.#lastReason?.code,
            lastDetail: this.#lastReason?.message,
          }),
        );
      }, timeoutMs);
      this.#stateWaiters.add(waiter);
    });
  }

  /**
   * Wants `name` from now on: subscribes it on the current link (and on every future one) and resolves when
   * the node has acked it. If the client is not online the wait extends to the next connection.
   * Rejects with SUBSCRIBE_FAILED if the node refuses (the name is then forgotten), or with TIMEOUT — in
   * which case the name stays wanted and is retried on every reconnect; call unsubscribe() to drop it.
   */
  subscribe(name: SlimName, options: WaitOptions = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new KizunaError('TRANSPORT_CLOSED'));
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    let valid: SlimName;
    try {
      valid = createSlimName(name.org, name.namespace, name.agent, name.instanceId);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = formatSlimName(valid);
    let entry = this.#wanted.get(key);
    if (entry === undefined) {
      entry = { name: valid, key, appliedOn: undefined, subscriptionId: undefined, applying: undefined, waiters: new Set() };
      this.#wanted.set(key, entry);
    }
    const connection = this.#onlineConnection();
    if (connection !== undefined && entry.appliedOn === connection) return Promise.resolve();
    const timeoutMs = options.timeoutMs ?? this.#ackTimeoutMs;
    const target = entry;
    const done = new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(timer);
          target.waiters.delete(waiter);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          target.waiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiter.reject(
          new KizunaError('TIMEOUT', 'The subscription was not confirmed in time; it will be retried on reconnect.', {
            name: key,
            timeoutMs,
            state: this.#state,
          }),
        );
      }, timeoutMs);
      target.waiters.add(waiter);
    });
    if (connection !== undefined) this.#applyInBackground(target, connection);
    return done;
  }

  /**
   * Stops wanting `name`. When online, resolves after the node acked the unsubscription; when offline it
   * resolves at once (a new link starts without it).
   */
  async unsubscribe(name: SlimName, options: WaitOptions = {}): Promise<void> {
    const key = formatSlimName(createSlimName(name.org, name.namespace, name.agent, name.instanceId));
    const entry = this.#wanted.get(key);
    if (entry === undefined) return;
    this.#wanted.delete(key);
    for (const waiter of [...entry.waiters]) waiter.reject(new KizunaError('CANCELLED', 'The subscription was withdrawn.', { name: key }));
    const connection = this.#connection;
    if (connection === undefined || !connection.isOpen) return;
    if (entry.applying?.connection === connection) {
      // The subscribe in flight unsubscribes by itself once it sees the entry is no longer wanted.
      await entry.applying.promise.catch(() => undefined);
      return;
    }
    if (entry.appliedOn !== connection) return;
    await this.#sendUnsubscribe(connection, entry, options.timeoutMs ?? this.#ackTimeoutMs);
  }

  /**
   * Publishes `payload` to `destination` from our own name. Fire-and-forget: the node drops what it cannot
   * route. Returns false when the write buffer is full (wait for 'drain' before publishing more).
   * Throws TRANSPORT_CLOSED when not online, INVALID_SLIM_NAME / INVALID_INPUT for bad arguments.
   */
  publish(destination: SlimName, payload: Uint8Array, options: PublishOptions = {}): boolean {
    const connection = this.#onlineConnection();
    if (connection === undefined || this.#hasher === undefined || this.#localWire === undefined) {
      throw new KizunaError('TRANSPORT_CLOSED', 'Not connected to the SLIM node.', { state: this.#state });
    }
    if (!(payload instanceof Uint8Array)) throw new KizunaError('INVALID_INPUT', 'A payload must be bytes.');
    const frame = buildPublish({
      source: this.#localWire,
      destination: encodeSlimName(this.#hasher, destination),
      payloadType: options.payloadType ?? DEFAULT_PAYLOAD_TYPE,
      blob: payload,
      fanout: options.fanout,
      ttl: options.ttl,
      session: options.session,
      metadata: options.metadata,
    });
    this.#published += 1;
    return connection.send(frame);
  }

  stats(): SlimClientStats {
    return {
      state: this.#state,
      published: this.#published,
      received: this.#received,
      dropped: { ...this.#dropped },
      reconnects: this.#reconnects,
      failedAttempts: this.#failedAttempts,
      probesSent: this.#probesSent + (this.#probe?.sent ?? 0),
      lastProbeRoundTripMs: this.#probe?.lastRoundTripMs ?? this.#lastProbeRoundTripMs,
      subscriptions: this.#wanted.size,
    };
  }

  /** Stops everything: the stream, timers and pending waits (rejected with TRANSPORT_CLOSED). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) {
      await this.#runLoop;
      return;
    }
    this.#closed = true;
    const closedError = new KizunaError('TRANSPORT_CLOSED', 'The transport was closed.');
    this.#stopProbe();
    this.#wakeSleep?.();
    this.#connection?.close(closedError);
    this.#livenessLink?.close(closedError);
    for (const waiter of [...this.#stateWaiters]) waiter.reject(closedError);
    for (const entry of this.#wanted.values()) for (const waiter of [...entry.waiters]) waiter.reject(closedError);
    await this.#runLoop;
    this.#setState('offline');
  }

  get #ackTimeoutMs(): number {
    return this.#options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  }

  #onlineConnection(): SlimConnection | undefined {
    return this.#state === 'online' && this.#connection?.isOpen === true ? this.#connection : undefined;
  }

  // ------------------------------------------------------------------ connection cycle

  async #run(): Promise<void> {
    try {
      this.#hasher = await loadNameHasher();
      this.#codec = getSlimProtoCodec();
      this.#localWire = encodeSlimName(this.#hasher, this.#localName);
      this.#echoWire = encodeSlimName(this.#hasher, this.#echoName);
      this.#echoHashes = hashSlimName(this.#hasher, this.#echoName);
      this.#probeWire = encodeSlimName(this.#hasher, this.#probeName);
      this.#probeHashes = hashSlimName(this.#hasher, this.#probeName);
    } catch (error) {
      this.#fail(toKizunaError(error));
      return;
    }
    while (!this.#closed) {
      this.#setState('connecting');
      const reason = await this.#connectOnce();
      if (this.#closed) break;
      if (reason.code === 'AUTH_FAILED') {
        this.#fail(reason);
        return;
      }
      this.#lastReason = reason;
      const delay = this.#backoff.next();
      this.#setState('offline', reason, delay);
      await this.#sleep(delay);
    }
  }

  /** One connection from attempt to end; resolves with the reason it ended. */
  async #connectOnce(): Promise<KizunaError> {
    let connection: SlimConnection;
    let livenessLink: SlimConnection | undefined;
    try {
      connection = this.#startLink(this.#nodeId);
      livenessLink = this.#liveness === false ? undefined : this.#startLink(`${this.#nodeId}-liveness`);
    } catch (error) {
      this.#failedAttempts += 1;
      return toKizunaError(error, 'NODE_UNREACHABLE');
    }
    this.#connection = connection;
    this.#livenessLink = livenessLink;
    const ended = new Promise<KizunaError>((resolve) => connection.once('closed', resolve));
    connection.on('publish', (message) => this.#onPublish(message));
    connection.on('drop', (reason, detail) => {
      this.#dropped[reason] += 1;
      this.emit('dropped', reason, detail);
    });
    connection.on('drain', () => this.emit('drain'));
    if (livenessLink !== undefined) {
      const link = livenessLink;
      // Either link ending ends both: the pair is one unit of "connected".
      link.once('closed', (reason) =>
        connection.close(
          // A refused credential or an unreachable node is the answer for the pair; anything else is a lost link.
          reason.code === 'AUTH_FAILED' || reason.code === 'NODE_UNREACHABLE'
            ? reason
            : new KizunaError('TRANSPORT_CLOSED', 'The liveness link to the SLIM node was lost.', { reason: reason.code }),
        ),
      );
      connection.once('closed', () => link.close());
      link.on('publish', (message) => this.#onLivenessLinkPublish(link, message));
    }
    try {
      if (this.#closed) connection.close();
      await connection.ready;
      if (livenessLink !== undefined) await this.#prepareLivenessLink(livenessLink);
      await this.#applyAllSubscriptions(connection);
    } catch (error) {
      this.#failedAttempts += 1;
      connection.close(toKizunaError(error, 'NODE_UNREACHABLE'));
      this.#connection = undefined;
      this.#livenessLink = undefined;
      return await ended;
    }
    this.#backoff.reset();
    if (this.#everOnline) this.#reconnects += 1;
    this.#everOnline = true;
    this.#lastReason = undefined;
    this.#startProbe(connection);
    this.#setState('online');
    const reason = await ended;
    this.#stopProbe();
    this.#connection = undefined;
    this.#livenessLink = undefined;
    for (const entry of this.#wanted.values()) {
      if (entry.appliedOn === connection) {
        entry.appliedOn = undefined;
        entry.subscriptionId = undefined;
      }
    }
    log.info('link ended', { reason: reason.code, detail: reason.message });
    return reason;
  }

  #startLink(nodeId: string): SlimConnection {
    const hasher = this.#hasher;
    const codec = this.#codec;
    if (hasher === undefined || codec === undefined) throw new KizunaError('INTERNAL');
    return SlimConnection.start({
      endpoint: this.#options.endpoint,
      nodeId,
      slimVersion: this.#options.slimVersion ?? DEFAULT_SLIM_LINK_VERSION,
      auth: this.#options.auth,
      negotiationTimeoutMs: this.#options.negotiationTimeoutMs ?? DEFAULT_NEGOTIATION_TIMEOUT_MS,
      keepaliveMs: this.#options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS,
      codec,
      hasher,
    });
  }

  async #prepareLivenessLink(link: SlimConnection): Promise<void> {
    const localWire = this.#localWire;
    const probeWire = this.#probeWire;
    if (localWire === undefined || probeWire === undefined) throw new KizunaError('INTERNAL');
    await link.ready;
    const ack = await link.request((id) => buildSubscribe(localWire, probeWire, id), this.#ackTimeoutMs);
    if (!ack.success) throw new KizunaError('SUBSCRIBE_FAILED', 'The node refused the liveness subscription.', { error: ack.error });
  }

  /** Subscribes the echo name and every wanted name on a new link; loops to catch names added meanwhile. */
  async #applyAllSubscriptions(connection: SlimConnection): Promise<void> {
    if (this.#liveness !== false && this.#echoWire !== undefined && this.#localWire !== undefined) {
      const echoWire = this.#echoWire;
      const localWire = this.#localWire;
      const ack = await connection.request((id) => buildSubscribe(localWire, echoWire, id), this.#ackTimeoutMs);
      if (!ack.success) throw new KizunaError('SUBSCRIBE_FAILED', 'The node refused the liveness subscription.', { error: ack.error });
    }
    for (;;) {
      const pending = [...this.#wanted.values()].filter((entry) => entry.appliedOn !== connection);
      if (pending.length === 0) return;
      // A refused name is dropped (its waiters told); anything else (timeout, closed link) fails the attempt.
      await Promise.all(
        pending.map((entry) =>
          this.#apply(entry, connection).catch((error: unknown) => {
            if (error instanceof KizunaError && error.code === 'SUBSCRIBE_FAILED') return;
            throw error;
          }),
        ),
      );
    }
  }

  #applyInBackground(entry: SubscriptionEntry, connection: SlimConnection): void {
    this.#apply(entry, connection).catch((error: unknown) => {
      const reason = toKizunaError(error);
      if (reason.code === 'TIMEOUT' && connection.isOpen) {
        // The node does not answer on this link any more: treat it as dead and reconnect.
        connection.close(new KizunaError('TRANSPORT_CLOSED', 'The SLIM node stopped acknowledging subscriptions.'));
      }
    });
  }

  /** Subscribes one entry on `connection` (shared by concurrent callers); settles its waiters. */
  #apply(entry: SubscriptionEntry, connection: SlimConnection): Promise<void> {
    if (entry.appliedOn === connection) return Promise.resolve();
    if (entry.applying?.connection === connection) return entry.applying.promise;
    const localWire = this.#localWire;
    const hasher = this.#hasher;
    if (localWire === undefined || hasher === undefined) return Promise.reject(new KizunaError('INTERNAL'));
    const wire = encodeSlimName(hasher, entry.name);
    const promise = (async () => {
      try {
        const ack = await connection.request((id) => buildSubscribe(localWire, wire, id), this.#ackTimeoutMs);
        if (ack.success) entry.subscriptionId = ack.subscriptionId;
        if (!ack.success) {
          const refused = new KizunaError('SUBSCRIBE_FAILED', undefined, { name: entry.key, error: ack.error });
          if (this.#wanted.get(entry.key) === entry) this.#wanted.delete(entry.key);
          for (const waiter of [...entry.waiters]) waiter.reject(refused);
          throw refused;
        }
        entry.appliedOn = connection;
        if (this.#wanted.get(entry.key) !== entry) {
          // unsubscribe() ran while we waited for the ack: undo on the node.
          await this.#sendUnsubscribe(connection, entry, this.#ackTimeoutMs).catch(() => undefined);
          return;
        }
        for (const waiter of [...entry.waiters]) waiter.resolve();
      } finally {
        if (entry.applying?.connection === connection) entry.applying = undefined;
      }
    })();
    entry.applying = { connection, promise };
    return promise;
  }

  async #sendUnsubscribe(connection: SlimConnection, entry: SubscriptionEntry, timeoutMs: number): Promise<void> {
    const localWire = this.#localWire;
    const hasher = this.#hasher;
    if (localWire === undefined || hasher === undefined) return;
    const wire = encodeSlimName(hasher, entry.name);
    const subscriptionId = entry.subscriptionId;
    entry.appliedOn = undefined;
    entry.subscriptionId = undefined;
    if (subscriptionId === undefined) return;
    const ack = await connection.request((id) => buildUnsubscribe(localWire, wire, id), timeoutMs, subscriptionId);
    if (!ack.success) {
      throw new KizunaError('SUBSCRIBE_FAILED', 'The SLIM node refused to remove a subscription.', { name: entry.key, error: ack.error });
    }
  }

  // ------------------------------------------------------------------ inbound

  #onPublish(message: IncomingPublish): void {
    if (message.payloadType === PROBE_PAYLOAD_TYPE && sameHashes(message.destination.hashes, this.#echoHashes)) {
      if (message.blob.length === 4) this.#probe?.echo(new DataView(message.blob.buffer, message.blob.byteOffset, 4).getUint32(0));
      return;
    }
    this.#received += 1;
    this.emit('message', message);
  }

  /** The liveness link only ever receives probes; it sends each straight back to the main link. */
  #onLivenessLinkPublish(link: SlimConnection, message: IncomingPublish): void {
    const localWire = this.#localWire;
    const echoWire = this.#echoWire;
    if (message.payloadType !== PROBE_PAYLOAD_TYPE || !sameHashes(message.destination.hashes, this.#probeHashes)) return;
    if (localWire === undefined || echoWire === undefined || !link.isOpen) return;
    link.send(buildPublish({ source: localWire, destination: echoWire, payloadType: PROBE_PAYLOAD_TYPE, blob: message.blob }));
  }

  // ------------------------------------------------------------------ liveness

  #startProbe(connection: SlimConnection): void {
    if (this.#liveness === false) return;
    const localWire = this.#localWire;
    const probeWire = this.#probeWire;
    if (localWire === undefined || probeWire === undefined) return;
    this.#probe = new LivenessProbe(
      this.#liveness,
      (sequence) => {
        const blob = new Uint8Array(4);
        new DataView(blob.buffer).setUint32(0, sequence);
        connection.send(buildPublish({ source: localWire, destination: probeWire, payloadType: PROBE_PAYLOAD_TYPE, blob }));
      },
      (waitedMs) => {
        log.warn('liveness probe unanswered; dropping the link', { waitedMs, linkId: connection.linkId });
        connection.close(new KizunaError('TRANSPORT_CLOSED', 'The SLIM node stopped answering.', { waitedMs }));
      },
    );
    this.#probe.start();
  }

  #stopProbe(): void {
    if (this.#probe === undefined) return;
    this.#probesSent += this.#probe.sent;
    this.#lastProbeRoundTripMs = this.#probe.lastRoundTripMs ?? this.#lastProbeRoundTripMs;
    this.#probe.stop();
    this.#probe = undefined;
  }

  // ------------------------------------------------------------------ state

  #setState(state: TransportState, reason?: KizunaError, retryInMs?: number): void {
    if (state === this.#state && state !== 'offline') return;
    if (state === this.#state && reason === undefined) return;
    const previous = this.#state;
    this.#state = state;
    const change: TransportStateChange = {
      state,
      previous,
      attempt: this.#backoff.attempt,
      ...(reason === undefined ? {} : { reason }),
      ...(retryInMs === undefined ? {} : { retryInMs }),
    };
    if (state === 'online') for (const waiter of [...this.#stateWaiters]) waiter.resolve();
    this.emit('state', change);
  }

  /** Stops the cycle for good (the client stays usable only for close()). */
  #fail(reason: KizunaError): void {
    this.#fatal = reason;
    this.#lastReason = reason;
    log.warn('transport stopped', { reason: reason.code, detail: reason.message });
    for (const waiter of [...this.#stateWaiters]) waiter.reject(reason);
    for (const entry of this.#wanted.values()) for (const waiter of [...entry.waiters]) waiter.reject(reason);
    this.#setState('offline', reason);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(this.#sleepTimer);
        this.#sleepTimer = undefined;
        this.#wakeSleep = undefined;
        resolve();
      };
      this.#sleepTimer = setTimeout(wake, ms);
      this.#wakeSleep = wake;
    });
  }
}
