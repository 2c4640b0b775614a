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
import { wireToU64 } from '../transport/wire-u64.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import { GroupData, isGroupData, type SlimSessionMessage } from './group-data.js';
import { ParticipantRejoin } from './participant-rejoin.js';
import { SlimMsg, TRUE_VALUE, type SessionFrame, type WireCommandPayload, type WireParticipant } from './session-frame.js';
import { NO_MLS_EPOCH, type SessionContext, type TimerSettings } from './session-context.js';
import { sendLeave, shutDownSession, type PendingLeave } from './session-end.js';
import type { SessionMls } from './session-mls.js';
import type { StoredSession } from './session-store.js';
import { nameKey, nameText, plainName, subscribableName } from './session-names.js';
import { sealCommand, startHeartbeat } from './session-plumbing.js';
import { randomMessageId } from './slim-ids.js';

const log = createLogger('slim-session.participant');
const REPLY_CACHE = 256;

export type { SlimSessionMessage } from './group-data.js';

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
  readonly #data: GroupData;
  readonly #roster = new Map<string, WireParticipant>();
  readonly #replies = new Map<number, WireMessage>();
  #joined = false;
  #ended: SlimSessionEnd | undefined;
  #lastCommitId = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #leaving: PendingLeave | undefined;
  readonly #rejoin: ParticipantRejoin;
  #inbound: Promise<unknown> = Promise.resolve();

  constructor(ctx: SessionContext, join: ParticipantJoin) {
    super();
    this.sessionId = join.sessionId;
    this.metadata = join.metadata;
    this.#ctx = ctx;
    this.#join = join;
    this.#data = new GroupData(ctx, {
      sessionId: join.sessionId,
      channel: join.channel,
      timer: join.timer,
      mls: () => join.mls,
      others: () => [...this.#roster.keys()].filter((k) => k !== nameKey(ctx.me)),
      member: (key) => this.#roster.get(key)?.name ?? undefined,
    });
    this.#data.on('message', (m) => this.emit('message', m));
    this.#rejoin = new ParticipantRejoin({
      me: ctx.me,
      timer: join.timer,
      toModerator: (messageType, id, command) => this.#control(join.moderator, 1, messageType, id, command),
      send: (frame) => ctx.send(frame),
      // After a restart there is nothing to fall back on; a member behind by an epoch tries again at the
      // next heartbeat that shows it (the moderator may have been busy with another task).
      gaveUp: () => {
        if (!this.#joined) void this.#end('removed');
      },
    });
  }

  /** A session of ours from before a restart; call rejoin() next. */
  static restore(ctx: SessionContext, stored: StoredSession, roster: readonly WireParticipant[], mls: SessionMls | undefined): SlimParticipantSession {
    const session = new SlimParticipantSession(ctx, {
      sessionId: stored.sessionId,
      moderator: stored.moderator,
      channel: stored.channel,
      control: stored.control,
      timer: stored.timer,
      mls,
      metadata: {},
    });
    session.#data.lastId = stored.nextDataId;
    session.#setRoster(roster);
    return session;
  }

  /** What survives a restart. */
  snapshot(): StoredSession & { roster: WireName[] } {
    return {
      sessionId: this.sessionId,
      moderator: plainName(this.#join.moderator),
      channel: plainName(this.#join.channel),
      control: plainName(this.#join.control),
      ...(this.#join.timer === undefined ? {} : { timer: this.#join.timer }),
      mls: this.#join.mls !== undefined,
      nextDataId: this.#data.lastId,
      roster: [...this.#roster.values()].map((p) => p.name).filter((n): n is WireName => n !== undefined && n !== null).map(plainName),
    };
  }

  /**
   * Comes back after a restart: subscribes the channels again; with MLS (whose state was lost) asks the
   * moderator to re-add us under the same identity (REJOIN_REQUEST with a fresh key package → REJOIN_REPLY
   * with a Welcome), retried like any control request; without MLS there is nothing to re-key.
   */
  async rejoin(): Promise<void> {
    for (const name of [this.#join.channel, this.#join.control]) {
      const sub = subscribableName(name);
      if (sub !== undefined) await this.#ctx.subscribe(sub);
    }
    if (this.#join.mls === undefined) {
      this.#markJoined();
      return;
    }
    await this.#rejoin.request(this.#join.mls);
  }

  async #onRejoinReply(frame: SessionFrame): Promise<void> {
    if (!this.#fromModerator(frame) || !this.#rejoin.answers(frame)) return;
    const reply = frame.command?.rejoin_reply;
    if (!reply) return;
    if (this.#join.mls !== undefined) {
      if (!(reply.mls_content instanceof Uint8Array)) throw new KizunaError('MLS_ERROR', 'A SLIM rejoin reply without a Welcome.');
      await this.#join.mls.joinFromWelcome(reply.mls_content);
      this.#lastCommitId = reply.commit_id ?? 0;
    }
    this.#rejoin.stop();
    this.#reply(frame, SlimMsg.GROUP_ACK, { group_ack: {} });
    if (this.#joined) this.#ctx.changed(); // caught up with the group's epoch
    else this.#markJoined();
  }

  /** A member's heartbeat announces an epoch ahead of ours: we missed a commit, so ask to be re-added (as SLIM does). */
  #onHeartbeat(frame: SessionFrame): void {
    const mls = this.#join.mls;
    if (mls === undefined || !this.#joined || this.#rejoin.running || !this.#roster.has(nameKey(frame.source))) return;
    const epoch = wireToU64(frame.command?.heartbeat?.epoch);
    if (epoch === undefined || epoch === NO_MLS_EPOCH || epoch <= mls.epoch()) return;
    log.info('behind the group epoch: rejoining', { ours: String(mls.epoch()), theirs: String(epoch) });
    this.#rejoin.request(mls).catch((error: unknown) => log.warn('SLIM rejoin failed', { error: error instanceof Error ? error.message : String(error) }));
  }

  #markJoined(): void {
    this.#joined = true;
    this.#startHeartbeat();
    this.#ctx.changed();
    this.emit('joined');
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
    const sent = this.#data.publish(payload, options);
    this.#ctx.changed(); // our last data id moved
    await sent;
  }

  /** The next message, or undefined after `timeoutMs` or when the session ends. */
  nextMessage(timeoutMs: number): Promise<SlimSessionMessage | undefined> {
    return this.#data.nextMessage(timeoutMs);
  }

  /** Leaves on our own: LEAVE_REQUEST (LEAVING_SESSION) to the moderator, retried until it answers; rejects with TIMEOUT (after leaving locally) when it never did. */
  async leave(): Promise<void> {
    if (this.#ended !== undefined) return;
    const id = randomMessageId();
    const frame = this.#control(this.#join.moderator, 1, SlimMsg.LEAVE_REQUEST, id, { leave_request: {} }, { LEAVING_SESSION: TRUE_VALUE });
    const answered = await sendLeave(this.#ctx, id, frame, this.#join.timer, (pending) => (this.#leaving = pending));
    await this.#end('left');
    if (!answered) throw new KizunaError('TIMEOUT', 'The SLIM moderator did not answer our leave request.');
  }

  /** A verified frame of this session. Frames are handled one after another, in arrival order. */
  handle(frame: SessionFrame): Promise<void> {
    const run = this.#inbound.then(() => this.#handle(frame));
    this.#inbound = run.catch(() => undefined);
    return run;
  }

  async #handle(frame: SessionFrame): Promise<void> {
    if (this.#ended !== undefined) return;
    const cached = this.#replies.get(frame.messageId);
    if (cached !== undefined && frame.messageType !== SlimMsg.MSG && frame.messageType !== SlimMsg.MSG_ACK) {
      this.#ctx.send(cached); // the moderator retried: our reply was lost (a repeat id would be a replay to SLIM)
      return;
    }
    if (isGroupData(frame.messageType)) return this.#joined ? this.#data.handle(frame) : undefined;
    switch (frame.messageType) {
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
      case SlimMsg.REJOIN_REPLY:
        return this.#onRejoinReply(frame);
      case SlimMsg.LEAVE_REPLY:
        if (this.#leaving?.id === frame.messageId) this.#leaving.answered();
        return;
      case SlimMsg.HEARTBEAT:
        this.#onHeartbeat(frame);
        return;
      case SlimMsg.GROUP_ACK:
        return;
      default:
        log.debug('ignored SLIM session message', { type: frame.messageType });
    }
  }

  /** Stops timers and forgets the session (no message to anyone). */
  async close(): Promise<void> {
    await this.#end('left', false, false);
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
    this.#reply(frame, SlimMsg.GROUP_ACK, { group_ack: {} });
    this.#markJoined();
  }

  async #onUpdate(frame: SessionFrame): Promise<void> {
    if (!this.#fromModerator(frame) || !this.#joined) return; // a commit before the welcome is dropped
    const update = frame.command?.group_update;
    if (!update) return;
    if ((update.op ?? 0) === 2 && nameKey(update.participant?.name) === nameKey(this.#ctx.me)) {
      // A rejoin whose Welcome we did not take (it answered a request we had given up on): we are still
      // behind, so no roster and no ack; the next heartbeat showing the epoch makes us ask again.
      if (this.#join.mls !== undefined && (update.mls?.commit_id ?? 0) > this.#lastCommitId) return;
      // Our own rejoin: the Welcome in REJOIN_REPLY already put us at this commit; refresh the roster.
      if (update.participants && update.participants.length > 0) this.#setRoster(update.participants);
      this.#lastCommitId = Math.max(this.#lastCommitId, update.mls?.commit_id ?? 0);
      this.#ctx.changed();
      this.emit('members', this.members());
      this.#reply(frame, SlimMsg.GROUP_ACK, { group_ack: {} });
      return;
    }
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
      this.#data.forget(nameKey(who));
    } else if (update.participants && update.participants.length > 0) {
      this.#setRoster(update.participants);
    } else if (update.participant?.name) {
      this.#roster.set(nameKey(update.participant.name), update.participant);
    }
    this.#ctx.changed();
    this.emit('members', this.members());
    this.#reply(frame, SlimMsg.GROUP_ACK, { group_ack: {} });
  }

  #setRoster(participants: readonly WireParticipant[]): void {
    this.#roster.clear();
    for (const p of participants.slice(0, 10_000)) if (p.name) this.#roster.set(nameKey(p.name), p);
  }

  // ------------------------------------------------------------------ plumbing

  #control(destination: WireName, fanout: number, messageType: number, messageId: number, command: WireCommandPayload, metadata?: Record<string, string>): WireMessage {
    return sealCommand(this.#ctx, this.sessionId, destination, fanout, messageType, messageId, command, metadata);
  }

  /** Answers `request` (same message id) and keeps the answer for the moderator's retries. */
  #reply(request: SessionFrame, messageType: number, command: WireCommandPayload): void {
    const reply = this.#control(request.source, 1, messageType, request.messageId, command);
    this.#replies.set(request.messageId, reply);
    if (this.#replies.size > REPLY_CACHE) this.#replies.delete(this.#replies.keys().next().value as number);
    this.#ctx.send(reply);
  }

  #startHeartbeat(): void {
    this.#heartbeat = startHeartbeat(this.#ctx, { sessionId: this.sessionId, data: this.#data, control: this.#join.control, epoch: () => this.#join.mls?.epoch() ?? NO_MLS_EPOCH });
  }

  async #end(reason: SlimSessionEnd, announce = true, forget = true): Promise<void> {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    this.#rejoin.stop();
    const channels = [this.#join.channel, this.#join.control].map(subscribableName).filter((n) => n !== undefined);
    await shutDownSession(this.#ctx, { sessionId: this.sessionId, heartbeat: this.#heartbeat, data: this.#data, channels }, forget);
    if (announce) this.emit('ended', reason);
  }
}
