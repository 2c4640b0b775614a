/**
 * A SLIM group session we moderate, as SLIM's own moderator behaves on the wire: the data and control
 * channels, then one membership task at a time — invite (DISCOVERY_REQUEST → DISCOVERY_REPLY →
 * JOIN_REQUEST → JOIN_REPLY → [GROUP_UPDATE ADD to the others] + GROUP_WELCOME → GROUP_ACKs), remove
 * ([GROUP_UPDATE REMOVE] → acks → LEAVE_REQUEST → LEAVE_REPLY) and close (GROUP_CLOSE → GROUP_ACKs).
 * With MLS on, only we commit; a newcomer's Welcome carries the ratchet tree.
 */
import { createSlimName, formatSlimName, type SlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import { createLogger } from '../log/logger.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import { ControlRequests } from './control-requests.js';
import { participantOf, type Member, type ModeratorCore } from './moderator-core.js';
import { inviteMember } from './moderator-invite.js';
import { rejoinMember } from './moderator-rejoin.js';
import { removeMember } from './moderator-remove.js';
import { GroupData, isGroupData, type SlimSessionMessage } from './group-data.js';
import { FANOUT_CHANNEL, SlimMsg, TRUE_VALUE, type SessionFrame, type WireCommandPayload } from './session-frame.js';
import { DEFAULT_TIMER, NO_MLS_EPOCH, type SessionContext, type TimerSettings } from './session-context.js';
import { shutDownSession } from './session-end.js';
import type { ModeratorMls } from './session-mls.js';
import { nameKey, nameText } from './session-names.js';
import { sealCommand, startHeartbeat } from './session-plumbing.js';
import { randomMessageId, randomSessionId, xxh3Id } from './slim-ids.js';
import type { VerifiedSlimToken } from './slim-token.js';

const log = createLogger('slim-session.moderator');
/** How many REJOIN_REQUEST ids the moderator remembers to ignore their retries (bounded: members send them). */
const REJOINS_REMEMBERED = 64;

export interface SlimModeratorOptions {
  /** The group's name (org/ns/channel); its id is derived from our token id. */
  readonly channel: SlimName;
  readonly timer?: TimerSettings;
  readonly mls?: ModeratorMls;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface SlimModeratorEvents {
  message: SlimSessionMessage;
  members: readonly string[];
}

export class SlimModeratorSession extends TypedEmitter<SlimModeratorEvents> {
  readonly sessionId: number;
  readonly #ctx: SessionContext;
  readonly #options: SlimModeratorOptions;
  readonly #timer: TimerSettings;
  readonly #channel: WireName;
  readonly #control: WireName;
  readonly #channelNames: readonly SlimName[];
  readonly #core: ModeratorCore;
  readonly #requests: ControlRequests;
  readonly #data: GroupData;
  readonly #members = new Map<string, Member>();
  readonly #subjects = new Map<number, string>();
  /** Message ids of REJOIN_REQUESTs queued, running or answered: a member's retries of one request are one rejoin. */
  readonly #rejoins = new Set<number>();
  #task: Promise<unknown> = Promise.resolve();
  #commitId = 0;
  #ended = false;
  #heartbeat: NodeJS.Timeout | undefined;

  private constructor(ctx: SessionContext, options: SlimModeratorOptions, sessionId: number, names: { channel: SlimName; control: SlimName }, encode: (name: SlimName) => WireName) {
    super();
    this.sessionId = sessionId;
    this.#ctx = ctx;
    this.#options = options;
    this.#timer = options.timer ?? DEFAULT_TIMER;
    this.#channelNames = [names.channel, names.control];
    this.#channel = encode(names.channel);
    this.#control = encode(names.control);
    this.#requests = new ControlRequests(this.#timer, (frame) => ctx.send(frame));
    this.#members.set(nameKey(ctx.me), { participant: participantOf(ctx.me), subject: ctx.identity.tokenId });
    this.#data = new GroupData(ctx, {
      sessionId,
      channel: this.#channel,
      timer: this.#timer,
      mls: () => options.mls,
      others: () => this.#others(),
      member: (key) => this.#members.get(key)?.participant.name ?? undefined,
    });
    this.#data.on('message', (m) => this.emit('message', m));
    this.#core = {
      ctx,
      requests: this.#requests,
      members: this.#members,
      subjects: this.#subjects,
      mls: options.mls,
      metadata: options.metadata,
      timer: this.#timer,
      channel: this.#channel,
      control: this.#control,
      encode,
      command: (...args) => this.#command(...args),
      others: () => this.#others(),
      nextCommitId: () => ++this.#commitId,
      forget: (key) => {
        this.#data.forget(key);
        this.#requests.forget(key);
      },
      membersChanged: () => this.emit('members', this.members()),
    };
  }

  /** Creates the session: channel names, subscriptions, the MLS group. `register` routes its frames. */
  static async create(
    ctx: SessionContext,
    options: SlimModeratorOptions,
    encode: (name: SlimName) => WireName,
    register: (id: number, session: SlimModeratorSession) => void,
  ): Promise<SlimModeratorSession> {
    const { org, namespace, agent } = options.channel;
    const base = `${ctx.identity.tokenId}/${org}/${namespace}/${agent}`;
    const names = {
      channel: createSlimName(org, namespace, agent, await xxh3Id(`${base}/data`)),
      control: createSlimName(org, namespace, agent, await xxh3Id(`${base}/control`)),
    };
    const session = new SlimModeratorSession(ctx, options, randomSessionId(), names, encode);
    register(session.sessionId, session);
    for (const name of session.#channelNames) await ctx.subscribe(name);
    if (options.mls !== undefined) await options.mls.createGroup(Buffer.from(`${formatSlimName(names.channel)}/${session.sessionId}`, 'utf8'));
    session.#startHeartbeat();
    return session;
  }

  get mlsEnabled(): boolean {
    return this.#options.mls !== undefined;
  }

  members(): string[] {
    return [...this.#members.values()].map((m) => nameText(m.participant.name));
  }

  /** Invites `name` (org/ns/app, any instance); resolves once it acked the welcome. One task at a time. */
  invite(name: SlimName): Promise<void> {
    return this.#queue(() => inviteMember(this.#core, name));
  }

  /** Removes the member named `name` (org/ns/app). */
  remove(name: SlimName): Promise<void> {
    return this.#queue(() => removeMember(this.#core, name, true));
  }

  /** Closes the session for everyone (GROUP_CLOSE, acks), then forgets it. */
  end(): Promise<void> {
    return this.#queue(async () => {
      const others = this.#others();
      if (others.length > 0) {
        const id = randomMessageId();
        const names = [...this.#members.values()].map((m) => m.participant.name).filter((n): n is WireName => n !== undefined && n !== null);
        await this.#requests
          .request(id, this.#command(this.#control, FANOUT_CHANNEL, SlimMsg.GROUP_CLOSE, id, { group_close: { participants: names } }), SlimMsg.GROUP_ACK, others)
          .catch((error: unknown) => log.warn('not every member acked the close', { error: error instanceof Error ? error.message : String(error) }));
      }
      await this.close();
    });
  }

  publish(payload: Uint8Array, options: { payloadType?: string; metadata?: Record<string, string> } = {}): Promise<void> {
    return this.#data.publish(payload, options);
  }

  nextMessage(timeoutMs: number): Promise<SlimSessionMessage | undefined> {
    return this.#data.nextMessage(timeoutMs);
  }

  async handle(frame: SessionFrame, sender: VerifiedSlimToken): Promise<void> {
    if (this.#ended) return;
    if (isGroupData(frame.messageType)) return this.#data.handle(frame);
    switch (frame.messageType) {
      case SlimMsg.DISCOVERY_REPLY:
      case SlimMsg.JOIN_REPLY:
      case SlimMsg.GROUP_ACK:
      case SlimMsg.LEAVE_REPLY:
        if (frame.messageType === SlimMsg.JOIN_REPLY) this.#subjects.set(frame.messageId, sender.subject);
        this.#requests.answered(frame);
        return;
      case SlimMsg.LEAVE_REQUEST:
        if (frame.metadata['LEAVING_SESSION'] === TRUE_VALUE && this.#members.has(nameKey(frame.source))) {
          this.#ctx.send(this.#command(frame.source, 1, SlimMsg.LEAVE_REPLY, frame.messageId, { leave_reply: {} }));
          const text = nameText(frame.source).split('/');
          void this.#queue(() => removeMember(this.#core, createSlimName(text[0] ?? '', text[1] ?? '', text[2] ?? ''), false)).catch(() => undefined);
        }
        return;
      case SlimMsg.REJOIN_REQUEST:
        // The member re-sends its request while we are busy with another task; each copy queued would be
        // one more remove + add commit the member never sees (its Welcome answers an id it no longer waits for).
        if (this.#rejoins.has(frame.messageId)) return;
        this.#rejoins.add(frame.messageId);
        if (this.#rejoins.size > REJOINS_REMEMBERED) this.#rejoins.delete(this.#rejoins.values().next().value as number);
        void this.#queue(() => rejoinMember(this.#core, frame, sender)).catch((error: unknown) => {
          this.#rejoins.delete(frame.messageId); // unanswered: a later copy of the same request may try again
          log.warn('SLIM rejoin refused', { error: error instanceof Error ? error.message : String(error) });
        });
        return;
      case SlimMsg.HEARTBEAT:
        return;
      default:
        log.debug('ignored SLIM session message', { type: frame.messageType });
    }
  }

  /** Stops timers and leaves the channels, without telling anyone. */
  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#requests.close(new KizunaError('TRANSPORT_CLOSED', 'The SLIM session has ended.'));
    await shutDownSession(this.#ctx, { sessionId: this.sessionId, heartbeat: this.#heartbeat, data: this.#data, channels: this.#channelNames }, true);
  }

  // ------------------------------------------------------------------ tasks

  #queue<T>(task: () => Promise<T>): Promise<T> {
    if (this.#ended) return Promise.reject(new KizunaError('TRANSPORT_CLOSED', 'The SLIM session has ended.'));
    const run = this.#task.then(task, task);
    this.#task = run.catch(() => undefined);
    return run;
  }

  #others(): string[] {
    return [...this.#members.keys()].filter((k) => k !== nameKey(this.#ctx.me));
  }

  // ------------------------------------------------------------------ plumbing

  #command(destination: WireName, fanout: number, messageType: number, messageId: number, command: WireCommandPayload, metadata?: Readonly<Record<string, string>>): WireMessage {
    return sealCommand(this.#ctx, this.sessionId, destination, fanout, messageType, messageId, command, metadata);
  }

  #startHeartbeat(): void {
    this.#heartbeat = startHeartbeat(this.#ctx, {
      sessionId: this.sessionId,
      data: this.#data,
      control: this.#control,
      epoch: () => this.#options.mls?.epoch() ?? NO_MLS_EPOCH,
      alone: () => this.#others().length === 0,
    });
  }
}
