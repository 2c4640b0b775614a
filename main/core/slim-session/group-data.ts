/**
 * The application-message half of a SLIM group session, the same for participant and moderator: MSG to the
 * data channel (MLS-encrypted with the header digest as authenticated data when MLS is on), MSG_ACK back
 * to each sender, retransmission requests and replies, and an inbox of what arrived, in order per sender.
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import { createLogger } from '../log/logger.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import { DataReceiver } from './data-receiver.js';
import { DataSender } from './data-sender.js';
import { DEFAULT_PAYLOAD_TYPE, FANOUT_CHANNEL, frameAad, outgoingAad, SlimMsg, TRUE_VALUE, type OutgoingFrame, type SessionFrame } from './session-frame.js';
import type { SessionContext, TimerSettings } from './session-context.js';
import type { SessionMls } from './session-mls.js';
import { nameKey, nameText } from './session-names.js';

const log = createLogger('slim-session.data');
const INBOX_LIMIT = 10_000;

export interface SlimSessionMessage {
  /** `org/ns/app` of the sender. */
  readonly source: string;
  readonly payloadType: string;
  readonly payload: Uint8Array;
  readonly metadata: Readonly<Record<string, string>>;
}

const DATA_TYPES: ReadonlySet<number> = new Set([SlimMsg.MSG, SlimMsg.RTX_REPLY, SlimMsg.MSG_ACK, SlimMsg.RTX_REQUEST]);

/** Whether a frame of this type belongs to the data half (GroupData.handle) rather than to membership control. */
export function isGroupData(messageType: number): boolean {
  return DATA_TYPES.has(messageType);
}

export interface GroupDataOptions {
  readonly sessionId: number;
  readonly channel: WireName;
  readonly timer: TimerSettings | undefined;
  readonly mls: () => SessionMls | undefined;
  /** Keys (session-names nameKey) of the members expected to ack, us excluded. */
  readonly others: () => string[];
  /** The full name of a member, for retransmission requests; undefined for anyone outside the roster. */
  readonly member: (key: string) => WireName | undefined;
}

export class GroupData extends TypedEmitter<{ message: SlimSessionMessage }> {
  readonly #ctx: SessionContext;
  readonly #options: GroupDataOptions;
  readonly #sender: DataSender;
  readonly #receiver: DataReceiver<SlimSessionMessage>;
  readonly #inbox: SlimSessionMessage[] = [];
  readonly #waiters: ((m: SlimSessionMessage | undefined) => void)[] = [];
  #closed = false;
  /** Set when we published since the last heartbeat tick (a heartbeat is then not needed). */
  sentRecently = false;

  constructor(ctx: SessionContext, options: GroupDataOptions) {
    super();
    this.#ctx = ctx;
    this.#options = options;
    this.#sender = new DataSender(options.timer);
    this.#receiver = new DataReceiver<SlimSessionMessage>(options.timer, {
      deliver: (_sender, _id, message) => this.#deliver(message),
      requestRetransmission: (sender, id) => this.#requestRtx(sender, id),
    });
  }

  async publish(payload: Uint8Array, options: { payloadType?: string; metadata?: Record<string, string> } = {}): Promise<void> {
    if (this.#closed) throw new KizunaError('TRANSPORT_CLOSED', 'The SLIM session has ended.');
    const payloadType = options.payloadType ?? DEFAULT_PAYLOAD_TYPE;
    const id = this.#sender.nextId();
    const frame = await this.#dataFrame(this.#options.channel, FANOUT_CHANNEL, SlimMsg.MSG, id, payloadType, payload, options.metadata);
    this.#ctx.send(frame);
    this.sentRecently = true;
    await this.#sender.track(id, { payloadType, plaintext: payload }, this.#options.others(), () => this.#ctx.send(frame));
  }

  nextMessage(timeoutMs: number): Promise<SlimSessionMessage | undefined> {
    const queued = this.#inbox.shift();
    if (queued !== undefined || this.#closed) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const waiter = (m: SlimSessionMessage | undefined): void => {
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** MSG, MSG_ACK, RTX_REQUEST and RTX_REPLY frames of the session. */
  async handle(frame: SessionFrame): Promise<void> {
    if (this.#closed) return;
    // Only members of the roster send, ack or ask here: holding the shared secret is not membership.
    if (this.#options.member(nameKey(frame.source)) === undefined) {
      log.debug('SLIM data message from outside the roster dropped', { type: frame.messageType });
      return;
    }
    switch (frame.messageType) {
      case SlimMsg.MSG:
      case SlimMsg.RTX_REPLY:
        return this.#onData(frame);
      case SlimMsg.MSG_ACK:
        this.#sender.acked(frame.messageId, nameKey(frame.source));
        return;
      case SlimMsg.RTX_REQUEST: {
        const kept = this.#sender.kept(frame.messageId);
        if (kept !== undefined) this.#ctx.send(await this.#dataFrame(frame.source, 1, SlimMsg.RTX_REPLY, frame.messageId, kept.payloadType, kept.plaintext));
        return;
      }
    }
  }

  /** The last data message id we used; set on restore. */
  get lastId(): number {
    return this.#sender.lastId;
  }

  set lastId(id: number) {
    this.#sender.lastId = id;
  }

  /** A member left: its acks are no longer awaited. */
  forget(member: string): void {
    this.#sender.forget(member);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sender.close(new KizunaError('TRANSPORT_CLOSED', 'The SLIM session has ended.'));
    this.#receiver.close();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  async #onData(frame: SessionFrame): Promise<void> {
    if (frame.blob === undefined) return;
    let plaintext = frame.blob;
    const mls = this.#options.mls();
    if (mls !== undefined) {
      try {
        plaintext = await mls.decrypt(frame.blob, frameAad(frame));
      } catch (error) {
        log.warn('SLIM message dropped: not decryptable or header digest mismatch', { error: error instanceof Error ? error.message : String(error) });
        return;
      }
    }
    const publishTo = frame.metadata['PUBLISH_TO'] === TRUE_VALUE;
    if (frame.messageType === SlimMsg.MSG && this.#options.timer !== undefined) {
      this.#ctx.send(this.#ctx.identity.seal({
        source: this.#ctx.me,
        destination: frame.source,
        fanout: 1,
        messageType: SlimMsg.MSG_ACK,
        sessionId: this.#options.sessionId,
        messageId: frame.messageId,
        content: { payloadType: '', blob: new Uint8Array(0) },
        ...(publishTo ? { metadata: { PUBLISH_TO: TRUE_VALUE } } : {}),
      }));
    }
    const message: SlimSessionMessage = { source: nameText(frame.source), payloadType: frame.payloadType, payload: plaintext, metadata: frame.metadata };
    if (publishTo) this.#deliver(message); // outside the per-sender sequence
    else this.#receiver.received(nameKey(frame.source), frame.messageId, message);
  }

  #deliver(message: SlimSessionMessage): void {
    this.emit('message', message);
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(message);
    else if (this.#inbox.length < INBOX_LIMIT) this.#inbox.push(message);
  }

  #requestRtx(sender: string, id: number): void {
    const name = this.#options.member(sender);
    if (name === undefined) return;
    this.#ctx.send(this.#ctx.identity.seal({
      source: this.#ctx.me,
      destination: name,
      fanout: 1,
      messageType: SlimMsg.RTX_REQUEST,
      sessionId: this.#options.sessionId,
      messageId: id,
      content: { payloadType: '', blob: new Uint8Array(0) },
    }));
  }

  async #dataFrame(
    destination: WireName,
    fanout: number,
    messageType: number,
    messageId: number,
    payloadType: string,
    plaintext: Uint8Array,
    metadata?: Record<string, string>,
  ): Promise<WireMessage> {
    const token = this.#ctx.identity.token();
    const base: OutgoingFrame = {
      source: this.#ctx.me,
      destination,
      identity: token,
      fanout,
      messageType,
      sessionId: this.#options.sessionId,
      messageId,
      content: { payloadType, blob: plaintext },
      ...(metadata === undefined ? {} : { metadata }),
    };
    const mls = this.#options.mls();
    if (mls === undefined) return this.#ctx.identity.seal(base, token);
    const blob = await mls.encrypt(plaintext, outgoingAad(base));
    return this.#ctx.identity.seal({ ...base, content: { payloadType, blob } }, token);
  }
}
