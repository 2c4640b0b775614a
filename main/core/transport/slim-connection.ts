/**
 * One OpenChannel stream to one node: open the grpc-js channel, negotiate the link, then carry frames
 * both ways until either side ends it. A connection is used once; the client makes a new one (with a new
 * grpc-js Client, so grpc-js's own reconnect backoff never adds to ours) for every attempt.
 */
import { randomBytes } from 'node:crypto';
import grpc from '@grpc/grpc-js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createLogger } from '../log/logger.js';
import { errorFromGrpc } from './grpc-stream-error.js';
import { OPEN_CHANNEL_METHOD, type SlimProtoCodec } from './slim-proto-codec.js';
import { toGrpcTarget } from './slim-endpoint.js';
import {
  buildLinkNegotiation,
  newLinkNegotiationRequest,
  readLinkNegotiationReply,
  type LinkNegotiationRequest,
} from './slim-link-negotiation.js';
import { readInboundFrame, type DropReason, type IncomingPublish } from './slim-message-reader.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import { FRAMES_PER_TURN, INBOUND_HIGH_MARK, INBOUND_LOW_MARK } from './inbound-pacing.js';
import { PROBE_PAYLOAD_TYPE } from './probe-payload-type.js';
import { TurnPacedQueue } from './turn-paced-queue.js';
import type { TurnRequester } from '../scheduling/turn-gate.js';
import type { NameHasher } from './slim-name-encoding.js';
import type { WireMessage } from './slim-wire-types.js';

const log = createLogger('transport.connection');

export interface BasicAuthCredentials {
  readonly username: string;
  readonly password: string;
}

export interface SlimConnectionOptions {
  readonly endpoint: string;
  readonly nodeId: string;
  readonly slimVersion?: string;
  readonly auth?: BasicAuthCredentials;
  /** How long to wait for the negotiation reply (the stream is up but the node says nothing). */
  readonly negotiationTimeoutMs: number;
  /** HTTP/2 keepalive ping interval; 0 disables it. */
  readonly keepaliveMs: number;
  readonly codec: SlimProtoCodec;
  readonly hasher: NameHasher;
  /** When to pause and resume reading (default INBOUND_HIGH_MARK / INBOUND_LOW_MARK waiting frames). */
  readonly inboundMarks?: { readonly high: number; readonly low: number };
  /** Whose passes of the loop the frame turns take (default: the thread's shared gate; a test may hold its own). */
  readonly turnGate?: TurnRequester;
}

export interface SubscriptionAckResult {
  readonly subscriptionId: bigint;
  readonly success: boolean;
  readonly error: string;
}

export interface SlimConnectionEvents {
  publish: IncomingPublish;
  /** Every decoded publish frame as received (untrusted), for SLIM's own session protocol (main/core/slim-session). */
  rawPublish: WireMessage;
  drop: { reason: DropReason; detail: string };
  /**
   * A frame came from the node, before it waits its turn in the queue: the link carries. The liveness
   * probe counts this, or a backlog read in the poll phase would still look like silence to a verdict
   * taken in the same turn.
   */
  arrived: void;
  /** The write buffer emptied after publish() returned false. */
  drain: void;
  /** Emitted once, whoever ended the stream. */
  closed: KizunaError;
}

/**
 * Flow-control window for the HTTP/2 stream. At grpc-js's default (64 KiB) one-way throughput through the
 * node fell ten-fold in our measurements; 1 MiB or more restores it.
 */
export const FLOW_CONTROL_WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * Frames handed on at once, ahead of any waiting: a subscription ack resolves a request() whose timeout
 * runs meanwhile, and a liveness probe (or its echo) that waited behind a backlog would take the link
 * down for being slow (the liveness verdict must not depend on how fast we read our own queue).
 * So an ack may overtake publishes that arrived before it: a publish to a name just unsubscribed can
 * still be delivered after the unsubscribe resolved (the layers above judge an envelope by its group,
 * not by the names the link subscribes). Anyone may label a publish a probe; it then skips the pacing
 * but costs no more than before it (the session layer drops other payload types unread).
 */
export function passesQueue(frame: WireMessage): boolean {
  if (frame.subscription_ack) return true;
  return frame.publish?.msg?.app_payload?.payload_type === PROBE_PAYLOAD_TYPE;
}

// Subscription ids must be non-zero to get an ack. They must also not collide across processes: when
// one client's connection goes away, the node drops the subscriptions filed under its ids, and with
// ids counted from 1 in every process that took other clients' subscriptions to the same channel
// with them (measured: a member leaving silenced the channel for an archive peer). So each process
// starts from a random 62-bit value.
let lastSubscriptionId = BigInt.asUintN(62, randomBytes(8).readBigUInt64BE()) | 1n;
export function nextSubscriptionId(): bigint {
  lastSubscriptionId += 1n;
  return lastSubscriptionId;
}

interface PendingAck {
  resolve(result: SubscriptionAckResult): void;
  reject(error: KizunaError): void;
  timer: NodeJS.Timeout;
}

const identity = (value: Buffer): Buffer => value;

export class SlimConnection extends TypedEmitter<SlimConnectionEvents> {
  readonly #options: SlimConnectionOptions;
  readonly #negotiation: LinkNegotiationRequest;
  readonly #client: grpc.Client;
  readonly #call: grpc.ClientDuplexStream<Buffer, Buffer>;
  readonly #pendingAcks = new Map<bigint, PendingAck>();
  /**
   * Frames after negotiation, in arrival order, handed on FRAMES_PER_TURN per turn: as received, decoded
   * again when their turn comes. A decoded frame is ~2 KB of small objects against the ~0.7 KB of its
   * bytes in one buffer, and a flood keeps tens of thousands waiting here: decoded, they survived scavenge
   * after scavenge into the old generation, and the collector's pauses were the flood's longest passes.
   */
  readonly #inbound: TurnPacedQueue<Buffer>;
  #negotiated = false;
  #closedWith: KizunaError | undefined;
  /** Set by closeAfterWrites(): we half-closed and wait for what we wrote to leave; the reason to close with. */
  #endingWith: KizunaError | undefined;
  #remoteVersion = '';
  #negotiationWaiter: { resolve(): void; reject(error: KizunaError): void; timer: NodeJS.Timeout } | undefined;

  /**
   * Resolves once the node has answered the link negotiation; rejects (and the connection is closed) when
   * the node cannot be reached, refuses the credentials or does not answer in time.
   */
  readonly ready: Promise<void>;

  /** Opens the stream and starts the negotiation; await `ready` before sending anything. */
  static start(options: SlimConnectionOptions): SlimConnection {
    return new SlimConnection(options);
  }

  private constructor(options: SlimConnectionOptions) {
    super();
    this.#options = options;
    this.#inbound = new TurnPacedQueue<Buffer>(
      (bytes) => this.#deliverWaited(bytes),
      // grpc-js reads the next message only when its stream wants more: a paused call stops reading.
      { pause: () => this.#call.pause(), resume: () => this.#call.resume() },
      {
        perTurn: FRAMES_PER_TURN,
        highMark: options.inboundMarks?.high ?? INBOUND_HIGH_MARK,
        lowMark: options.inboundMarks?.low ?? INBOUND_LOW_MARK,
        ...(options.turnGate === undefined ? {} : { gate: options.turnGate }),
      },
    );
    this.#negotiation = newLinkNegotiationRequest(options.nodeId, options.slimVersion);
    const channelOptions: grpc.ChannelOptions = {
      'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
      // Each attempt gets a fresh client, so grpc-js must not retry or reconnect behind our back.
      'grpc.enable_retries': 0,
      'grpc.max_reconnect_backoff_ms': 1_000,
    };
    if (options.keepaliveMs > 0) {
      // HTTP/2 pings find a peer that vanished without closing the socket (host asleep, cable pulled).
      channelOptions['grpc.keepalive_time_ms'] = options.keepaliveMs;
      channelOptions['grpc.keepalive_timeout_ms'] = Math.min(options.keepaliveMs, 5_000);
    }
    this.#client = new grpc.Client(toGrpcTarget(options.endpoint), grpc.credentials.createInsecure(), channelOptions);
    const metadata = new grpc.Metadata();
    if (options.auth !== undefined) {
      const token = Buffer.from(`${options.auth.username}:${options.auth.password}`, 'utf8').toString('base64');
      metadata.set('authorization', `Basic ${token}`);
    }
    this.#call = this.#client.makeBidiStreamRequest<Buffer, Buffer>(OPEN_CHANNEL_METHOD, identity, identity, metadata);
    this.#call.on('data', (bytes: Buffer) => this.#onData(bytes));
    this.#call.on('error', (error: grpc.ServiceError) => this.#finish(errorFromGrpc(error, this.#negotiated)));
    this.#call.on('end', () =>
      this.#finish(
        this.#endingWith ??
          (this.#negotiated
            ? new KizunaError('TRANSPORT_CLOSED', 'The SLIM node ended the connection.')
            : new KizunaError('NODE_UNREACHABLE', 'The SLIM node closed the connection during link negotiation.')),
      ),
    );
    this.#call.on('drain', () => this.emit('drain'));
    this.ready = this.#negotiate();
    // The owner awaits `ready`; this only keeps an early close from surfacing as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  get linkId(): string {
    return this.#negotiation.linkId;
  }

  get remoteVersion(): string {
    return this.#remoteVersion;
  }

  /** Frames read but waiting for their turn (bounded near INBOUND_HIGH_MARK by pausing the call). */
  get inboundWaiting(): number {
    return this.#inbound.length;
  }

  /** True while the call is paused because too many frames wait: the node is held back by flow control. */
  get inboundPaused(): boolean {
    return this.#inbound.paused;
  }

  /** Negotiated, and neither closed nor closing: frames may be sent. */
  get isOpen(): boolean {
    return this.#negotiated && this.#closedWith === undefined && this.#endingWith === undefined;
  }

  /** Writes one frame. Returns false when grpc-js's buffer is full: wait for 'drain' before writing more. */
  send(frame: WireMessage): boolean {
    const ended = this.#closedWith ?? this.#endingWith;
    if (ended !== undefined) throw new KizunaError('TRANSPORT_CLOSED', undefined, { reason: ended.code });
    return this.#call.write(this.#options.codec.encode(frame));
  }

  /**
   * Sends a Subscribe/Unsubscribe carrying `id` and waits for the node's ack. The node files a subscription
   * under its id, and an Unsubscribe must carry the id of the Subscribe it undoes.
   */
  request(build: (subscriptionId: bigint) => WireMessage, timeoutMs: number, id: bigint = nextSubscriptionId()): Promise<SubscriptionAckResult> {
    if (id === 0n) return Promise.reject(new RangeError('subscription id 0 asks for no ack'));
    if (this.#pendingAcks.has(id)) return Promise.reject(new RangeError(`subscription id ${id} is already waiting for an ack`));
    return new Promise<SubscriptionAckResult>((resolve, reject) => {
      if (this.#closedWith !== undefined) {
        reject(new KizunaError('TRANSPORT_CLOSED'));
        return;
      }
      const timer = setTimeout(() => {
        this.#pendingAcks.delete(id);
        reject(new KizunaError('TIMEOUT', 'The SLIM node did not acknowledge a subscription in time.', { timeoutMs }));
      }, timeoutMs);
      this.#pendingAcks.set(id, { resolve, reject, timer });
      try {
        this.send(build(id));
      } catch (error) {
        clearTimeout(timer);
        this.#pendingAcks.delete(id);
        reject(error);
      }
    });
  }

  /** Ends the stream from our side at once (frames grpc-js still buffers are dropped). Idempotent. */
  close(reason: KizunaError = new KizunaError('TRANSPORT_CLOSED', 'The connection was closed.')): void {
    this.#finish(reason);
  }

  /**
   * Ends the stream from our side once what we wrote has left. close() cancels the call, and a cancel
   * drops the frames grpc-js and HTTP/2 still buffer: a one-shot command's last publications, marked
   * sent in the outbox, never reached the node. This half-closes instead (grpc-js writes out its
   * buffer, then END_STREAM), waits for the node to end its side in answer (it has then read
   * everything we sent), and closes; after `timeoutMs` it closes anyway. Nothing more may be sent
   * meanwhile, and what arrives is no longer reported. Idempotent; a link never negotiated closes at once.
   */
  async closeAfterWrites(timeoutMs: number, reason: KizunaError = new KizunaError('TRANSPORT_CLOSED', 'The connection was closed.')): Promise<void> {
    if (this.#closedWith !== undefined) return;
    if (!this.#negotiated) {
      this.#finish(reason);
      return;
    }
    const ended = new Promise<void>((resolve) => this.once('closed', () => resolve()));
    if (this.#endingWith === undefined) {
      this.#endingWith = reason;
      // Nobody listens any more: drop what waits now and read a paused call again at once, rather than
      // turn by turn, so the node's end of stream is not held behind the backlog.
      this.#inbound.stop();
      this.#call.end();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.#finish(reason);
  }

  #negotiate(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#closedWith !== undefined) {
        reject(this.#closedWith);
        return;
      }
      const timer = setTimeout(() => {
        this.#finish(new KizunaError('TIMEOUT', 'The SLIM node did not answer the link negotiation in time.', {
          timeoutMs: this.#options.negotiationTimeoutMs,
        }));
      }, this.#options.negotiationTimeoutMs);
      this.#negotiationWaiter = { resolve, reject, timer };
      this.#call.write(this.#options.codec.encode(buildLinkNegotiation(this.#negotiation)));
    });
  }

  #onData(bytes: Buffer): void {
    // Closing: whoever reads what arrives has stopped listening.
    if (this.#closedWith !== undefined || this.#endingWith !== undefined) return;
    this.emit('arrived');
    const frame = this.#decode(bytes);
    if (frame === undefined) return;
    if (!this.#negotiated) {
      const result = readLinkNegotiationReply(frame, this.#negotiation);
      if (!result.ok) {
        this.#finish(new KizunaError('NODE_UNREACHABLE', `Link negotiation failed: ${result.reason}.`));
        return;
      }
      this.#negotiated = true;
      this.#remoteVersion = result.remoteVersion;
      const waiter = this.#negotiationWaiter;
      this.#negotiationWaiter = undefined;
      if (waiter !== undefined) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
      return;
    }
    if (passesQueue(frame)) this.#deliver(frame);
    else this.#inbound.push(bytes);
  }

  /** A frame whose turn came: decoded again (it decoded on arrival; the codec is deterministic). */
  #deliverWaited(bytes: Buffer): void {
    const frame = this.#decode(bytes);
    if (frame !== undefined) this.#deliver(frame);
  }

  /** The frame in `bytes`, or undefined (counted as dropped) when they do not decode. */
  #decode(bytes: Buffer): WireMessage | undefined {
    try {
      return this.#options.codec.decode(bytes);
    } catch {
      this.#dropped('undecodable', `${bytes.length} bytes`);
      return undefined;
    }
  }

  /** Hands one frame received after negotiation to its listeners (or to the request() waiting for it). */
  #deliver(frame: WireMessage): void {
    if (this.#closedWith !== undefined || this.#endingWith !== undefined) return;
    // SLIM's own sessions (point-to-point 1, multicast 2) go to whoever speaks that protocol as well.
    const sessionType = frame.publish?.session?.session_type;
    if (sessionType === 1 || sessionType === 2) this.emit('rawPublish', frame);
    const inbound = readInboundFrame(frame, this.#options.hasher);
    switch (inbound.kind) {
      case 'publish':
        this.emit('publish', inbound.publish);
        return;
      case 'subscription-ack': {
        const pending = this.#pendingAcks.get(inbound.subscriptionId);
        if (pending === undefined) return; // late ack after a timeout: nothing waits for it any more
        this.#pendingAcks.delete(inbound.subscriptionId);
        clearTimeout(pending.timer);
        pending.resolve({ subscriptionId: inbound.subscriptionId, success: inbound.success, error: inbound.error });
        return;
      }
      case 'link':
        // A second negotiation on an established link is not something the node does; ignore it.
        this.#dropped('unexpected', 'link frame after negotiation');
        return;
      case 'drop':
        this.#dropped(inbound.reason, inbound.detail);
        return;
    }
  }

  #dropped(reason: DropReason, detail: string): void {
    log.debug('dropped inbound frame', { reason, detail, linkId: this.linkId });
    this.emit('drop', { reason, detail });
  }

  #finish(reason: KizunaError): void {
    if (this.#closedWith !== undefined) return;
    this.#closedWith = reason;
    const waiter = this.#negotiationWaiter;
    this.#negotiationWaiter = undefined;
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.reject(reason);
    }
    for (const pending of this.#pendingAcks.values()) {
      clearTimeout(pending.timer);
      pending.reject(new KizunaError('TRANSPORT_CLOSED', undefined, { reason: reason.code }));
    }
    this.#pendingAcks.clear();
    // What still waits is dropped with the link, and no turn is left scheduled.
    this.#inbound.stop();
    // cancel() makes grpc-js emit a CANCELLED error; #closedWith is already set, so it is ignored.
    this.#call.cancel();
    this.#client.close();
    this.emit('closed', reason);
  }
}
