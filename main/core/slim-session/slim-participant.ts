/**
 * A member of a SLIM group session that someone else moderates, as SLIM's own participant behaves on the
 * wire: JOIN_REQUEST → (subscribe the channels) JOIN_REPLY → GROUP_WELCOME → GROUP_ACK, then commits in
 * commit_id order (each acked), application messages both ways with acks and retransmissions, heartbeats,
 * and the end: removal (LEAVE_REQUEST → LEAVE_REPLY), close (GROUP_CLOSE → GROUP_ACK) or our own leave.
 *
 * Everything received was checked by the endpoint (token, header signature) before it gets here; this file
 * still checks that control messages come from the moderator that invited us.
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import { createLogger } from '../log/logger.js';
import { u64ToWire } from '../transport/wire-u64.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import { DataReceiver } from './data-receiver.js';
import { DataSender } from './data-sender.js';
import {
  DEFAULT_PAYLOAD_TYPE,
  FANOUT_CHANNEL,
  frameAad,
  outgoingAad,
  SlimMsg,
  TRUE_VALUE,
  type OutgoingFrame,
  type SessionFrame,
  type WireCommandPayload,
  type WireParticipant,
} from './session-frame.js';
import { HEARTBEAT_INTERVAL_MS, NO_MLS_EPOCH, type SessionContext, type TimerSettings } from './session-context.js';
import type { SessionMls } from './session-mls.js';
import { nameKey, nameText, subscribableName } from './session-names.js';
import { randomMessageId } from './slim-ids.js';

const log = createLogger('slim-session.participant');
const REPLY_CACHE = 256;

export interface SlimSessionMessage {
  /** `org/ns/app` of the sender. */
  readonly source: string;
  readonly payloadType: string;
  readonly payload: Uint8Array;
  readonly metadata: Readonly<Record<string, string>>;
}

export type SlimSessionEnd = 'removed' | 'closed' | 'left';

export interface SlimParticipantEvents {
  joined: void;
  message: SlimSessionMessage;
  members: readonly string[];
  ended: SlimSessionEnd;
}

export interface ParticipantJoin {
  readonly sessionId: number;
  readonly moderator: WireName;
  readonly channel: WireName;
  readonly control: WireName;
  readonly timer: TimerSettings | undefined;
  readonly mls: SessionMls | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

export class SlimParticipantSession extends TypedEmitter<SlimParticipantEvents> {
  readonly sessionId: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly #ctx: SessionContext;
  readonly #join: ParticipantJoin;
  readonly #sender: DataSender;
  readonly #receiver: DataReceiver<SlimSessionMessage>;
  readonly #roster = new Map<string, WireParticipant>();
  readonly #replies = new Map<number, WireMessage>();
  readonly #inbox: SlimSessionMessage[] = [];
  readonly #waiters: ((m: SlimSessionMessage | undefined) => void)[] = [];
  #joined = false;
  #ended: SlimSessionEnd | undefined;
  #lastCommitId = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #sentSinceHeartbeat = false;
  #leaving: { id: number; resolve: () => void } | undefined;

  constructor(ctx: SessionContext, join: ParticipantJoin) {
    super();
    this.sessionId = join.sessionId;
    this.metadata = join.metadata;
    this.#ctx = ctx;
    this.#join = join;
    this.#sender = new DataSender(join.timer);
    this.#receiver = new DataReceiver<SlimSessionMessage>(join.timer, {
      deliver: (_sender, _id, message) => this.#deliver(message),
      requestRetransmission: (sender, id) => this.#requestRtx(sender, id),
    });
  }

  get joined(): boolean {
    return this.#joined;
  }

  get mlsEnabled(): boolean {
    return this.#join.mls !== undefined;
  }

  /** `org/ns/app` of every member in the roster (us included). */
  members(): string[] {
    return [...this.#roster.values()].map((p) => nameText(p.name));
  }

  /** Subscribes the session's channels and answers the JOIN_REQUEST (SLIM apps auto-accept; so do we here). */
  async accept(request: SessionFrame): Promise<void> {
    for (const name of [this.#join.channel, this.#join.control]) {
      const sub = subscribableName(name);
      if (sub === undefined) throw new KizunaError('INVALID_SLIM_NAME', 'The session channel name cannot be subscribed.');
      await this.#ctx.subscribe(sub);
    }
    const keyPackage = this.#join.mls === undefined ? undefined : await this.#join.mls.keyPackage();
    this.#reply(request, SlimMsg.JOIN_REPLY, {
      join_reply: {
        ...(keyPackage === undefined ? {} : { key_package: keyPackage }),
        participant: { name: this.#ctx.me, settings: { sends_data: true, receives_data: true }, status: 0 },
      },
    });
  }

  /** Publishes to the group; resolves when every member acked (reliable sessions) or at once (otherwise). */
  async publish(payload: Uint8Array, options: { payloadType?: string; metadata?: Record<string, string> } = {}): Promise<void> {
    if (this.#ended !== undefined) throw new KizunaError('TRANSPORT_CLOSED', 'The SLIM session has ended.', { reason: this.#ended });
    if (!this.#joined) throw new KizunaError('INVALID_INPUT', 'Not joined to the SLIM session yet.');
    const payloadType = options.payloadType ?? DEFAULT_PAYLOAD_TYPE;
    const id = this.#sender.nextId();
    const expected = [...this.#roster.keys()].filter((k) => k !== nameKey(this.#ctx.me));
    const first = await this.#dataFrame(this.#join.channel, FANOUT_CHANNEL, SlimMsg.MSG, id, payloadType, payload, options.metadata);
    this.#ctx.send(first);
    this.#sentSinceHeartbeat = true;
    await this.#sender.track(id, { payloadType, plaintext: payload }, expected, () => this.#ctx.send(first));
  }

  /** The next message, or undefined after `timeoutMs` or when the session ends. */
  nextMessage(timeoutMs: number): Promise<SlimSessionMessage | undefined> {
    const queued = this.#inbox.shift();
    if (queued !== undefined || this.#ended !== undefined) return Promise.resolve(queued);
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

  /** Leaves on our own: LEAVE_REQUEST (LEAVING_SESSION) to the moderator, retried until it answers. */
  async leave(): Promise<void> {
    if (this.#ended !== undefined) return;
    const id = randomMessageId();
    const frame = this.#control(this.#join.moderator, 1, SlimMsg.LEAVE_REQUEST, id, { leave_request: {} }, { LEAVING_SESSION: TRUE_VALUE });
    const timer = this.#join.timer ?? { timeoutMs: 1000, maxRetries: 10 };
    await new Promise<void>((resolve) => {
      let tries = 0;
      const retry = setInterval(() => {
        tries += 1;
        if (tries > timer.maxRetries) {
          clearInterval(retry);
          resolve();
        } else this.#ctx.send(frame);
      }, timer.timeoutMs);
      this.#leaving = {
        id,
        resolve: () => {
          clearInterval(retry);
          resolve();
        },
      };
      this.#ctx.send(frame);
    });
    await this.#end('left');
  }

  /** A verified frame of this session. */
  async handle(frame: SessionFrame): Promise<void> {
    if (this.#ended !== undefined) return;
    const cached = this.#replies.get(frame.messageId);
    if (cached !== undefined && frame.messageType !== SlimMsg.MSG && frame.messageType !== SlimMsg.MSG_ACK) {
      this.#ctx.send(cached); // the moderator retried: our reply was lost (a repeat id would be a replay to SLIM)
      return;
    }
    switch (frame.messageType) {
      case SlimMsg.MSG:
      case SlimMsg.RTX_REPLY:
        return this.#onData(frame);
      case SlimMsg.MSG_ACK:
        this.#sender.acked(frame.messageId, nameKey(frame.source));
        return;
      case SlimMsg.RTX_REQUEST:
        return this.#onRtxRequest(frame);
      case SlimMsg.GROUP_WELCOME:
        return this.#onWelcome(frame);
      case SlimMsg.GROUP_UPDATE:
        return this.#onUpdate(frame);
      case SlimMsg.LEAVE_REQUEST:
        if (!this.#fromModerator(frame)) return;
        this.#reply(frame, SlimMsg.LEAVE_REPLY, { leave_reply: {} });
        return this.#end('removed');
      case SlimMsg.GROUP_CLOSE:
        if (!this.#fromModerator(frame)) return;
        this.#reply(frame, SlimMsg.GROUP_ACK, { group_ack: {} });
        return this.#end('closed');
      case SlimMsg.LEAVE_REPLY:
        if (this.#leaving?.id === frame.messageId) this.#leaving.resolve();
        return;
      case SlimMsg.HEARTBEAT:
      case SlimMsg.GROUP_ACK:
        return;
      default:
        log.debug('ignored SLIM session message', { type: frame.messageType });
    }
  }

  /** Stops timers and forgets the session (no message to anyone). */
  async close(): Promise<void> {
    await this.#end('left', false);
  }

  // ------------------------------------------------------------------ control

  #fromModerator(frame: SessionFrame): boolean {
    if (nameKey(frame.source) === nameKey(this.#join.moderator)) return true;
    log.warn('control message from someone other than the moderator dropped', { type: frame.messageType });
    return false;
  }

  async #onWelcome(frame: SessionFrame): Promise<void> {
    if (!this.#fromModerator(frame) || this.#joined) return;
    const welcome = frame.command?.group_welcome;
    if (!welcome) return;
    if (this.#join.mls !== undefined) {
      const content = welcome.mls?.mls_content;
      if (!(content instanceof Uint8Array)) throw new KizunaError('MLS_ERROR', 'A SLIM welcome without MLS content.');
      await this.#join.mls.joinFromWelcome(content);
      this.#lastCommitId = welcome.mls?.commit_id ?? 0;
    }
    this.#setRoster(welcome.participants ?? []);
    this.#joined = true;
    this.#reply(frame, SlimMsg.GROUP_ACK, { group_ack: {} });
    this.#startHeartbeat();
    this.emit('joined');
  }

  async #onUpdate(frame: SessionFrame): Promise<void> {
    if (!this.#fromModerator(frame) || !this.#joined) return; // a commit before the welcome is dropped
    const update = frame.command?.group_update;
    if (!update) return;
    if (this.#join.mls !== undefined && update.mls?.mls_content instanceof Uint8Array) {
      const commitId = update.mls.commit_id ?? 0;
      if (commitId <= this.#lastCommitId) {
        this.#reply(frame, SlimMsg.GROUP_ACK, { group_ack: {} }); // already applied
        return;
      }
      await this.#join.mls.applyCommit(update.mls.mls_content);
      this.#lastCommitId = commitId;
    }
    const op = update.op ?? 0;
    const who = update.participant?.name;
    if (op === 1 && who) {
      this.#roster.delete(nameKey(who));
      this.#sender.forget(nameKey(who));
    } else if (update.participants && update.participants.length > 0) {
      this.#setRoster(update.participants);
    } else if (update.participant?.name) {
      this.#roster.set(nameKey(update.participant.name), update.participant);
    }
    this.emit('members', this.members());
    this.#reply(frame, SlimMsg.GROUP_ACK, { group_ack: {} });
  }

  #setRoster(participants: readonly WireParticipant[]): void {
    this.#roster.clear();
    for (const p of participants.slice(0, 10_000)) if (p.name) this.#roster.set(nameKey(p.name), p);
  }

  // ------------------------------------------------------------------ data

  async #onData(frame: SessionFrame): Promise<void> {
    if (!this.#joined) return;
    if (frame.blob === undefined) return;
    let plaintext = frame.blob;
    if (this.#join.mls !== undefined) {
      try {
        plaintext = await this.#join.mls.decrypt(frame.blob, frameAad(frame));
      } catch (error) {
        log.warn('SLIM message dropped: not decryptable or header digest mismatch', { error: error instanceof Error ? error.message : String(error) });
        return;
      }
    }
    if (frame.messageType === SlimMsg.MSG && this.#join.timer !== undefined) {
      const metadata = frame.metadata['PUBLISH_TO'] === TRUE_VALUE ? { PUBLISH_TO: TRUE_VALUE } : undefined;
      this.#ctx.send(this.#ctx.identity.seal({
        source: this.#ctx.me,
        destination: frame.source,
        fanout: 1,
        messageType: SlimMsg.MSG_ACK,
        sessionId: this.sessionId,
        messageId: frame.messageId,
        content: { payloadType: '', blob: new Uint8Array(0) },
        ...(metadata === undefined ? {} : { metadata }),
      }));
    }
    const message: SlimSessionMessage = { source: nameText(frame.source), payloadType: frame.payloadType, payload: plaintext, metadata: frame.metadata };
    if (frame.metadata['PUBLISH_TO'] === TRUE_VALUE) this.#deliver(message); // outside the sequence
    else this.#receiver.received(nameKey(frame.source), frame.messageId, message);
  }

  #deliver(m: SlimSessionMessage): void {
    this.emit('message', m);
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(m);
    else if (this.#inbox.length < 10_000) this.#inbox.push(m);
  }

  #requestRtx(sender: string, id: number): void {
    const member = this.#roster.get(sender);
    if (member?.name) {
      this.#ctx.send(this.#ctx.identity.seal({
        source: this.#ctx.me,
        destination: member.name,
        fanout: 1,
        messageType: SlimMsg.RTX_REQUEST,
        sessionId: this.sessionId,
        messageId: id,
        content: { payloadType: '', blob: new Uint8Array(0) },
      }));
    }
  }

  async #onRtxRequest(frame: SessionFrame): Promise<void> {
    const kept = this.#sender.kept(frame.messageId);
    if (kept === undefined) return;
    this.#ctx.send(await this.#dataFrame(frame.source, 1, SlimMsg.RTX_REPLY, frame.messageId, kept.payloadType, kept.plaintext));
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
      sessionId: this.sessionId,
      messageId,
      content: { payloadType, blob: plaintext },
      ...(metadata === undefined ? {} : { metadata }),
    };
    if (this.#join.mls === undefined) return this.#ctx.identity.seal(base, token);
    const blob = await this.#join.mls.encrypt(plaintext, outgoingAad(base));
    return this.#ctx.identity.seal({ ...base, content: { payloadType, blob } }, token);
  }

  // ------------------------------------------------------------------ plumbing

  #control(destination: WireName, fanout: number, messageType: number, messageId: number, command: WireCommandPayload, metadata?: Record<string, string>): WireMessage {
    return this.#ctx.identity.seal({
      source: this.#ctx.me,
      destination,
      fanout,
      messageType,
      sessionId: this.sessionId,
      messageId,
      content: { command },
      ...(metadata === undefined ? {} : { metadata }),
    });
  }

  /** Answers `request` (same message id) and keeps the answer for the moderator's retries. */
  #reply(request: SessionFrame, messageType: number, command: WireCommandPayload): void {
    const reply = this.#control(request.source, 1, messageType, request.messageId, command);
    this.#replies.set(request.messageId, reply);
    if (this.#replies.size > REPLY_CACHE) this.#replies.delete(this.#replies.keys().next().value as number);
    this.#ctx.send(reply);
  }

  #startHeartbeat(): void {
    this.#heartbeat = setInterval(() => {
      if (this.#sentSinceHeartbeat) {
        this.#sentSinceHeartbeat = false;
        return;
      }
      const epoch = this.#join.mls?.epoch() ?? NO_MLS_EPOCH;
      this.#ctx.send(this.#control(this.#join.control, FANOUT_CHANNEL, SlimMsg.HEARTBEAT, randomMessageId(), { heartbeat: { epoch: u64ToWire(epoch) } }));
    }, HEARTBEAT_INTERVAL_MS);
    this.#heartbeat.unref();
  }

  async #end(reason: SlimSessionEnd, announce = true): Promise<void> {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#sender.close(new KizunaError('TRANSPORT_CLOSED', 'The SLIM session has ended.', { reason }));
    this.#receiver.close();
    this.#ctx.ended(this.sessionId);
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    for (const name of [this.#join.channel, this.#join.control]) {
      const sub = subscribableName(name);
      if (sub !== undefined) await this.#ctx.unsubscribe(sub).catch(() => undefined);
    }
    if (announce) this.emit('ended', reason);
  }
}
