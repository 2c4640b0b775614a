/**
 * Kizuna's client for one SLIM node: keeps one negotiated OpenChannel stream up, holds the set of names we
 * want to receive, publishes, and delivers what arrives.
 *
 * Life cycle: start() (or connect()) → 'connecting' → link negotiated, liveness link up, every wanted name
 * (re)subscribed and acked → 'online' → the stream ends, HTTP/2 keepalive fails or a liveness probe goes
 * unanswered → 'offline' → wait (exponential backoff with jitter) → 'connecting' … until close(). A refused
 * credential stops the cycle: retrying the same password cannot succeed.
 *
 * The node drops undeliverable publishes silently, so publish() is fire-and-forget; delivery guarantees
 * (acks, retries, the durable outbox) belong to the session layer above.
 */
import { randomUUID } from 'node:crypto';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createSlimName, type SlimName } from '../../../shared/domain/slim-name.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import { createLogger } from '../log/logger.js';
import { rejectAll, resolveAll, waitWithDeadline, type Waiter } from './deadline-waiter.js';
import type { LivenessProbeOptions } from './liveness-probe.js';
import type { BackoffOptions } from './reconnect-backoff.js';
import type { BasicAuthCredentials, SlimConnection } from './slim-connection.js';
import { toGrpcTarget } from './slim-endpoint.js';
import { DEFAULT_ACK_TIMEOUT_MS, SlimLinkCycle, type TransportState } from './slim-link-cycle.js';
import { buildPublish, type SessionHeaderFields } from './slim-message-builder.js';
import type { DropReason, IncomingPublish } from './slim-message-reader.js';
import { SlimSubscriptions, type SubscriptionWire } from './slim-subscriptions.js';
import type { WireMessage } from './slim-wire-types.js';

export { PROBE_PAYLOAD_TYPE } from './probe-payload-type.js';

const log = createLogger('transport.client');


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

export interface SlimClientEvents {
  state: TransportStateChange;
  message: IncomingPublish;
  /** Every publish frame as decoded, untrusted: SLIM's own session protocol reads these (main/core/slim-session). */
  frame: WireMessage;
  /** A received frame was dropped (counted in stats()); the detail never contains payload bytes. */
  dropped: { reason: DropReason; detail: string };
  /** publish() returned false earlier and the write buffer has room again. */
  drain: void;
}

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
  /** Liveness probe through the node (default every 5 s, 4 s to answer), or false for stream errors and keepalive only. */
  readonly liveness?: Partial<LivenessProbeOptions> | false;
  /** HTTP/2 keepalive ping interval (default 10000 ms; 0 disables). */
  readonly keepaliveMs?: number;
}

export interface PublishOptions {
  /** Application payload type (SLIM's ApplicationPayload.payload_type). Default 'application/octet-stream'. */
  readonly payloadType?: string;
  /** 1 (default) = one matching subscriber, round robin; anything else (FANOUT_ALL) = every matching subscriber. */
  readonly fanout?: number;
  /** Hops the message may take (default 8, at least 2). */
  readonly ttl?: number;
  /** Session header fields; any left out are 0 (UNSPECIFIED). The header is always sent. */
  readonly session?: Partial<SessionHeaderFields>;
  /** Carried in Message.metadata, readable by every node on the way: never put secrets here. */
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

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** How long close() waits for what was published to leave the link (the node answers a half-close in a round trip). */
const DEFAULT_CLOSE_DRAIN_MS = 3_000;

function emptyDropCounts(): Record<DropReason, number> {
  return { undecodable: 0, malformed: 0, 'command-payload': 0, 'error-notification': 0, unexpected: 0 };
}

export class SlimClient extends TypedEmitter<SlimClientEvents> {
  readonly #options: SlimClientOptions;
  readonly #localName: SlimName;
  readonly #subscriptions: SlimSubscriptions;
  readonly #cycle: SlimLinkCycle;
  readonly #onlineWaiters = new Set<Waiter>();

  #state: TransportState = 'offline';
  #started = false;
  #closed = false;
  /** Set when retrying cannot help (refused credentials, missing protocol file): the cycle stops. */
  #fatal: KizunaError | undefined;
  #runLoop: Promise<void> | undefined;

  #published = 0;
  #received = 0;
  readonly #dropped = emptyDropCounts();

  constructor(options: SlimClientOptions) {
    super();
    toGrpcTarget(options.endpoint); // validate early: a bad endpoint is a configuration error, not "offline"
    const { org, namespace, agent, instanceId } = options.localName;
    this.#localName = createSlimName(org, namespace, agent, instanceId);
    this.#options = options;
    this.#subscriptions = new SlimSubscriptions(options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS);
    this.#cycle = new SlimLinkCycle(options, this.#localName, options.nodeId ?? `kizuna-${randomUUID()}`, this.#subscriptions, {
      isClosed: () => this.#closed,
      setState: (state, reason, retryInMs) => this.#setState(state, reason, retryInMs),
      fail: (reason) => this.#fail(reason),
      onPublish: (message) => {
        this.#received += 1;
        this.emit('message', message);
      },
      onRawPublish: (frame) => this.emit('frame', frame),
      onDrop: (drop) => {
        this.#dropped[drop.reason] += 1;
        this.emit('dropped', drop);
      },
      onDrain: () => this.emit('drain'),
    });
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

  /** The names this client wants to receive (acked, or waiting for the next link). */
  subscriptions(): SlimName[] {
    return this.#subscriptions.names();
  }

  /** Begins connecting in the background and reconnects until close(). Idempotent; never throws for "offline". */
  start(): void {
    if (this.#closed) throw new KizunaError('TRANSPORT_CLOSED');
    if (this.#started) return;
    this.#started = true;
    this.#runLoop = this.#cycle.run().catch((error: unknown) => {
      // #run handles its own errors; reaching this is a bug, and it must not become an unhandled rejection.
      log.error('transport loop failed', { error: error instanceof Error ? error.message : String(error) });
    });
  }

  /**
   * start() and wait to be online. On failure the client is closed and the error says why: AUTH_FAILED,
   * NODE_UNREACHABLE (the last reason in details) or INTERNAL.
   */
  async connect(options: WaitOptions = {}): Promise<void> {
    this.start();
    try {
      await this.waitOnline(options);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Resolves when online (at once if already). Rejects on timeout (NODE_UNREACHABLE), a fatal error, or close. */
  waitOnline(options: WaitOptions = {}): Promise<void> {
    if (this.#state === 'online') return Promise.resolve();
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    if (this.#closed) return Promise.reject(new KizunaError('TRANSPORT_CLOSED'));
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return waitWithDeadline(this.#onlineWaiters, timeoutMs, () =>
      new KizunaError('NODE_UNREACHABLE', undefined, {
        endpoint: this.#options.endpoint,
        timeoutMs,
        lastReason: this.#cycle.lastReason?.code,
        lastDetail: this.#cycle.lastReason?.message,
      }),
    );
  }

  /**
   * Wants `name` from now on: subscribes it on the current link and on every future one, and resolves when
   * the node has acked it (if offline, the wait extends to the next link). Rejects with SUBSCRIBE_FAILED if
   * the node refuses (the name is then forgotten), or TIMEOUT — the name then stays wanted and is retried on
   * every reconnect; call unsubscribe() to drop it. INVALID_SLIM_NAME for a bad name.
   */
  subscribe(name: SlimName, options: WaitOptions = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new KizunaError('TRANSPORT_CLOSED'));
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal);
    return this.#subscriptions.want(name, this.#online(), options.timeoutMs);
  }

  /** Stops wanting `name`. Online: resolves after the node acked; offline: at once (a new link starts without it). */
  unsubscribe(name: SlimName, options: WaitOptions = {}): Promise<void> {
    return this.#subscriptions.withdraw(name, this.#online(), options.timeoutMs);
  }

  /**
   * Publishes `payload` to `destination` from our own name. Fire-and-forget: the node drops what it cannot
   * route. Returns false when the write buffer is full (wait for 'drain' before publishing more).
   * Throws TRANSPORT_CLOSED when not online, INVALID_SLIM_NAME / INVALID_INPUT for bad arguments.
   */
  publish(destination: SlimName, payload: Uint8Array, options: PublishOptions = {}): boolean {
    const online = this.#online();
    if (online === undefined) throw new KizunaError('TRANSPORT_CLOSED', 'Not connected to the SLIM node.', { state: this.#state });
    if (!(payload instanceof Uint8Array)) throw new KizunaError('INVALID_INPUT', 'A payload must be bytes.');
    const frame = buildPublish({
      source: online.wire.source,
      destination: online.wire.encode(destination),
      payloadType: options.payloadType ?? DEFAULT_PAYLOAD_TYPE,
      blob: payload,
      fanout: options.fanout,
      ttl: options.ttl,
      session: options.session,
      metadata: options.metadata,
    });
    this.#published += 1;
    return online.connection.send(frame);
  }

  /**
   * Sends a frame built elsewhere (SLIM's session protocol, main/core/slim-session, builds its own headers).
   * Returns false when the write buffer is full. Throws TRANSPORT_CLOSED when not online.
   */
  sendFrame(frame: WireMessage): boolean {
    const online = this.#online();
    if (online === undefined) throw new KizunaError('TRANSPORT_CLOSED', 'Not connected to the SLIM node.', { state: this.#state });
    this.#published += 1;
    return online.connection.send(frame);
  }

  stats(): SlimClientStats {
    return {
      state: this.#state,
      published: this.#published,
      received: this.#received,
      dropped: { ...this.#dropped },
      ...this.#cycle.stats(),
      subscriptions: this.#subscriptions.size,
    };
  }

  /**
   * Stops everything: links, timers and pending waits (rejected with TRANSPORT_CLOSED). What was
   * published before is let out first: the link ends once the node has read it, or after `drainMs`
   * (then what is still buffered is lost, as on a dropped link). Idempotent.
   */
  async close(options: { drainMs?: number } = {}): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const closed = new KizunaError('TRANSPORT_CLOSED', 'The transport was closed.');
      rejectAll(this.#onlineWaiters, closed);
      this.#subscriptions.rejectWaiters(closed);
      // The link (and its liveness link with it) and any wait between attempts.
      await this.#cycle.stop(closed, options.drainMs ?? DEFAULT_CLOSE_DRAIN_MS);
    }
    await this.#runLoop;
    this.#setState('offline');
  }

  /** The live link and how to address it, when online. */
  #online(): { connection: SlimConnection; wire: SubscriptionWire } | undefined {
    return this.#state === 'online' ? this.#cycle.link() : undefined;
  }

  // ------------------------------------------------------------------ state

  #setState(state: TransportState, reason?: KizunaError, retryInMs?: number): void {
    // 'offline' repeats when each failed attempt has a new reason; other states only on change.
    if (state === this.#state && (state !== 'offline' || reason === undefined)) return;
    const previous = this.#state;
    this.#state = state;
    const change: TransportStateChange = {
      state,
      previous,
      attempt: this.#cycle.attempt,
      ...(reason === undefined ? {} : { reason }),
      ...(retryInMs === undefined ? {} : { retryInMs }),
    };
    if (state === 'online') resolveAll(this.#onlineWaiters);
    this.emit('state', change);
  }

  /** Stops the cycle for good; the client is then only good for close(). */
  #fail(reason: KizunaError): void {
    this.#fatal = reason;
    this.#cycle.lastReason = reason;
    log.warn('transport stopped', { reason: reason.code, detail: reason.message });
    rejectAll(this.#onlineWaiters, reason);
    this.#subscriptions.rejectWaiters(reason);
    this.#setState('offline', reason);
  }
}
