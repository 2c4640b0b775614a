/**
 * The SLIM client's connection cycle: one link from attempt to end, then wait (exponential backoff
 * with jitter) and try again, until the client closes or retrying cannot help. The client owns the
 * state it reports and what it does with what arrives; this owns the links and the waiting.
 */
import { toKizunaError, type KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { SlimName } from '../../../shared/domain/slim-name.js';
import { createLogger } from '../log/logger.js';
import { createLivenessNames, LivenessLink, type LivenessNames } from './liveness-link.js';
import { DEFAULT_LIVENESS, type LivenessProbeOptions } from './liveness-probe.js';
import { ReconnectBackoff, type BackoffOptions } from './reconnect-backoff.js';
import { SlimConnection, type BasicAuthCredentials } from './slim-connection.js';
import { DEFAULT_SLIM_LINK_VERSION } from './slim-link-negotiation.js';
import type { DropReason, IncomingPublish } from './slim-message-reader.js';
import { encodeSlimName, loadNameHasher, type NameHasher } from './slim-name-encoding.js';
import { getSlimProtoCodec, type SlimProtoCodec } from './slim-proto-codec.js';
import type { SlimSubscriptions, SubscriptionWire } from './slim-subscriptions.js';
import type { WireMessage } from './slim-wire-types.js';

const log = createLogger('transport.client');

const DEFAULT_NEGOTIATION_TIMEOUT_MS = 5_000;
/** Subscribe/unsubscribe (and liveness subscription) ack timeout, unless the client's options say otherwise. */
export const DEFAULT_ACK_TIMEOUT_MS = 5_000;
const DEFAULT_KEEPALIVE_MS = 10_000;

export type TransportState = 'connecting' | 'online' | 'offline';

/** The client's options the cycle needs (see SlimClientOptions for what each means). */
export interface LinkCycleOptions {
  readonly endpoint: string;
  readonly auth?: BasicAuthCredentials;
  readonly slimVersion?: string;
  readonly negotiationTimeoutMs?: number;
  readonly ackTimeoutMs?: number;
  readonly backoff?: Partial<BackoffOptions>;
  readonly liveness?: Partial<LivenessProbeOptions> | false;
  readonly keepaliveMs?: number;
}

/** What the cycle tells the client. */
export interface LinkCycleOwner {
  isClosed(): boolean;
  setState(state: TransportState, reason?: KizunaError, retryInMs?: number): void;
  /** Retrying cannot help (refused credentials, missing protocol file): stop for good. */
  fail(reason: KizunaError): void;
  onPublish(message: IncomingPublish): void;
  onRawPublish(frame: WireMessage): void;
  onDrop(drop: { reason: DropReason; detail: string }): void;
  onDrain(): void;
}

/** What the client needs once per process before its first link (xxhash is loaded asynchronously). */
interface WireContext {
  readonly hasher: NameHasher;
  readonly codec: SlimProtoCodec;
  readonly subscriptionWire: SubscriptionWire;
  readonly liveness: LivenessNames;
}

export class SlimLinkCycle {
  readonly #options: LinkCycleOptions;
  readonly #localName: SlimName;
  readonly #nodeId: string;
  readonly #backoff: ReconnectBackoff;
  readonly #liveness: LivenessProbeOptions | false;
  readonly #subscriptions: SlimSubscriptions;
  readonly #owner: LinkCycleOwner;

  #context: WireContext | undefined;
  #connection: SlimConnection | undefined;
  #livenessLink: LivenessLink | undefined;
  #wakeSleep: (() => void) | undefined;
  /** Why the last attempt or link ended (cleared once online). */
  lastReason: KizunaError | undefined;

  #reconnects = 0;
  #failedAttempts = 0;
  #everOnline = false;
  #probesSentBefore = 0;
  #lastProbeRoundTripMs: number | undefined;

  constructor(options: LinkCycleOptions, localName: SlimName, nodeId: string, subscriptions: SlimSubscriptions, owner: LinkCycleOwner) {
    this.#options = options;
    this.#localName = localName;
    this.#nodeId = nodeId;
    this.#backoff = new ReconnectBackoff(options.backoff);
    this.#liveness = options.liveness === false ? false : { ...DEFAULT_LIVENESS, ...options.liveness };
    this.#subscriptions = subscriptions;
    this.#owner = owner;
  }

  /** Consecutive failed attempts since the client was last online. */
  get attempt(): number {
    return this.#backoff.attempt;
  }

  /** The open link and how to address it, if there is one. */
  link(): { connection: SlimConnection; wire: SubscriptionWire } | undefined {
    const connection = this.#connection;
    const context = this.#context;
    if (connection === undefined || !connection.isOpen || context === undefined) return undefined;
    return { connection, wire: context.subscriptionWire };
  }

  stats(): { reconnects: number; failedAttempts: number; probesSent: number; lastProbeRoundTripMs: number | undefined } {
    return {
      reconnects: this.#reconnects,
      failedAttempts: this.#failedAttempts,
      probesSent: this.#probesSentBefore + (this.#livenessLink?.probesSent ?? 0),
      lastProbeRoundTripMs: this.#livenessLink?.lastRoundTripMs ?? this.#lastProbeRoundTripMs,
    };
  }

  /**
   * The client closed: ends any wait between attempts and the current link (its liveness link follows
   * it), once what was written to it has left (bounded by `drainMs`; 0 ends it at once).
   */
  async stop(reason: KizunaError, drainMs = 0): Promise<void> {
    this.#wakeSleep?.();
    const connection = this.#connection;
    if (connection === undefined) return;
    // A closing link hears nothing more, probe echoes included: the probe would end it unanswered
    // (a cancel, dropping what is left to write), and would write on a link that takes no more.
    this.#livenessLink?.stop();
    if (drainMs > 0) await connection.closeAfterWrites(drainMs, reason);
    else connection.close(reason);
  }

  /** Runs until the client closes or fails for good. */
  async run(): Promise<void> {
    let context: WireContext;
    try {
      context = await this.#loadContext();
    } catch (error) {
      this.#owner.fail(toKizunaError(error));
      return;
    }
    this.#context = context;
    while (!this.#owner.isClosed()) {
      this.#owner.setState('connecting');
      const reason = await this.#connectOnce(context);
      if (this.#owner.isClosed()) break;
      if (reason.code === 'AUTH_FAILED') {
        this.#owner.fail(reason);
        return;
      }
      this.lastReason = reason;
      const delay = this.#backoff.next();
      this.#owner.setState('offline', reason, delay);
      await this.#sleep(delay);
    }
  }

  async #loadContext(): Promise<WireContext> {
    const hasher = await loadNameHasher();
    const codec = getSlimProtoCodec();
    const source = encodeSlimName(hasher, this.#localName);
    return {
      hasher,
      codec,
      subscriptionWire: { source, encode: (name) => encodeSlimName(hasher, name) },
      liveness: createLivenessNames(hasher),
    };
  }

  /** One link from attempt to end; resolves with the reason it ended. */
  async #connectOnce(context: WireContext): Promise<KizunaError> {
    let connection: SlimConnection;
    let liveness: LivenessLink | undefined;
    try {
      connection = this.#startLink(context, this.#nodeId);
      if (this.#liveness !== false) {
        const link = this.#startLink(context, `${this.#nodeId}-liveness`);
        liveness = new LivenessLink(connection, link, context.liveness, context.subscriptionWire.source, this.#liveness);
      }
    } catch (error) {
      this.#failedAttempts += 1;
      return toKizunaError(error, 'NODE_UNREACHABLE');
    }
    this.#connection = connection;
    this.#livenessLink = liveness;
    const ended = new Promise<KizunaError>((resolve) => connection.once('closed', resolve));
    connection.on('publish', (message) => {
      if (liveness?.consume(message) !== true) this.#owner.onPublish(message);
    });
    connection.on('rawPublish', (frame) => this.#owner.onRawPublish(frame));
    connection.on('drop', (drop) => this.#owner.onDrop(drop));
    connection.on('drain', () => this.#owner.onDrain());

    try {
      if (this.#owner.isClosed()) connection.close();
      await connection.ready;
      await liveness?.prepare(this.#options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS);
      await this.#subscriptions.applyAll(connection, context.subscriptionWire);
    } catch (error) {
      this.#failedAttempts += 1;
      connection.close(toKizunaError(error, 'NODE_UNREACHABLE'));
      this.#endLink(connection);
      return await ended;
    }

    this.#backoff.reset();
    if (this.#everOnline) this.#reconnects += 1;
    this.#everOnline = true;
    this.lastReason = undefined;
    liveness?.start();
    this.#owner.setState('online');
    const reason = await ended;
    this.#endLink(connection);
    log.info('link ended', { reason: reason.code, detail: reason.message });
    return reason;
  }

  #startLink(context: WireContext, nodeId: string): SlimConnection {
    return SlimConnection.start({
      endpoint: this.#options.endpoint,
      nodeId,
      slimVersion: this.#options.slimVersion ?? DEFAULT_SLIM_LINK_VERSION,
      auth: this.#options.auth,
      negotiationTimeoutMs: this.#options.negotiationTimeoutMs ?? DEFAULT_NEGOTIATION_TIMEOUT_MS,
      keepaliveMs: this.#options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS,
      codec: context.codec,
      hasher: context.hasher,
    });
  }

  #endLink(connection: SlimConnection): void {
    const liveness = this.#livenessLink;
    if (liveness !== undefined) {
      liveness.stop();
      this.#probesSentBefore += liveness.probesSent;
      this.#lastProbeRoundTripMs = liveness.lastRoundTripMs ?? this.#lastProbeRoundTripMs;
    }
    this.#livenessLink = undefined;
    this.#connection = undefined;
    this.#subscriptions.linkEnded(connection);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wakeSleep = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakeSleep = wake;
    });
  }
}
