/**
 * One SLIM app identity on a SlimClient: our name with its id (XXH3-128 of our token id), the frames of
 * SLIM's session protocol in and out (through the client's raw `frame` event and sendFrame), and the
 * sessions we are in. Pre-session messages: DISCOVERY_REQUEST is answered once its token and header
 * signature verify; a verified JOIN_REQUEST makes a participant session, accepted at once (seed 000's
 * headless behaviour) and handed to listenForSession() once the welcome arrived.
 *
 * Every received control message is verified (token MAC, freshness, header signature with the token's key)
 * before anything else looks at it — stricter than SLIM, which skips it without MLS.
 */
import { createSlimName, type SlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import { createLogger } from '../log/logger.js';
import type { TransportState } from '../transport/slim-link-cycle.js';
import { encodeSlimName, loadNameHasher } from '../transport/slim-name-encoding.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import { isControlMessage, readSessionFrame, SESSION_TYPE_MULTICAST, SlimMsg, type SessionFrame } from './session-frame.js';
import { HEARTBEAT_INTERVAL_MS, type SessionContext } from './session-context.js';
import type { ModeratorMls, SessionMls } from './session-mls.js';
import { nameKey, nameText } from './session-names.js';
import { xxh3Id } from './slim-ids.js';
import { createSlimMemberIdentity, type SlimMemberIdentity } from './slim-member-identity.js';
import { SlimModeratorSession, type SlimModeratorOptions } from './slim-moderator.js';
import { SlimParticipantSession } from './slim-participant.js';
import type { SlimSessionStore } from './session-store.js';
import { slimSigningKeyFrom } from './slim-signing-key.js';
import type { VerifiedSlimToken } from './slim-token.js';

const log = createLogger('slim-session.endpoint');
const MAX_SESSIONS = 256;
/** A session whose welcome has not come by then is dropped (SLIM's moderator would have given up). */
const JOIN_WINDOW_MS = 30_000;

/** A session the endpoint routes frames to (participant or moderator). */
export interface RoutedSession {
  handle(frame: SessionFrame, sender: VerifiedSlimToken): Promise<void>;
  close(): Promise<void>;
}

/** The part of a SlimClient the endpoint uses: raw frames in and out, and subscriptions. */
export interface SlimFrameLink {
  readonly state: TransportState;
  on(event: 'frame', listener: (frame: WireMessage) => void): () => void;
  sendFrame(frame: WireMessage): boolean;
  subscribe(name: SlimName): Promise<void>;
  unsubscribe(name: SlimName): Promise<void>;
}

export interface SlimSessionEndpointOptions {
  /** Usually a SlimClient. */
  readonly client: SlimFrameLink;
  /** org/ns/app, without id: the id comes from our token. */
  readonly name: SlimName;
  readonly secret: string;
  /** Makes the MLS side of a session the moderator asks for (absent: MLS sessions are refused). */
  readonly mls?: (identity: SlimMemberIdentity) => SessionMls;
  /**
   * Asked for every invitation (a verified JOIN_REQUEST); resolve true to join. Absent: join at once, as
   * SLIM apps and seed 000's headless participant do. SLIM's moderator waits only `timeout × max_retries`:
   * an answer after `expiresAt` does not join and emits `expired`.
   */
  readonly consent?: (invitation: SlimInvitation) => Promise<boolean>;
  /** Idle heartbeat interval in ms (default SLIM's 10 s); tests shorten it. */
  readonly heartbeatMs?: number;
  /**
   * Keeps our identity and the sessions we joined across restarts (absent: a fresh identity each time,
   * as a SLIM app has). With it, open() rejoins the stored sessions.
   */
  readonly store?: SlimSessionStore;
  /** Makes the MLS side of a session we moderate (absent: createSession({ mls: true }) fails). */
  readonly moderatorMls?: (identity: SlimMemberIdentity) => ModeratorMls;
}

/** An invitation into a SLIM session, for a person to decide on (see SlimSessionEndpointOptions.consent). */
export interface SlimInvitation {
  readonly sessionId: number;
  /** org/ns/app of the inviting moderator. */
  readonly moderator: string;
  /** The identity the moderator's token proves (its token id, verified with our shared secret). */
  readonly moderatorIdentity: string;
  readonly mls: boolean;
  /** When SLIM's moderator stops waiting for our answer (ms since the epoch): accepting later is too late. */
  readonly expiresAt: number;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface SlimSessionEndpointEvents {
  session: SlimParticipantSession;
  /** An invitation whose answer came after the moderator stopped waiting: not joined. */
  expired: SlimInvitation;
  /** An invitation the person declined. */
  declined: SlimInvitation;
  /** A received message failed verification (detail only, never payload). */
  rejected: { type: number; reason: string };
}

export class SlimSessionEndpoint extends TypedEmitter<SlimSessionEndpointEvents> {
  readonly identity: SlimMemberIdentity;
  /** Our name with its id. */
  readonly name: SlimName;
  readonly wireName: WireName;
  readonly #options: SlimSessionEndpointOptions;
  readonly #sessions = new Map<number, RoutedSession>();
  readonly #ready: SlimParticipantSession[] = [];
  readonly #listeners: ((s: SlimParticipantSession) => void)[] = [];
  readonly #hasherWire: (name: SlimName) => WireName;
  #off: (() => void) | undefined;
  #closing = false;
  /** Sessions whose invitation is being decided, or was declined or expired (bounded): their retries are ignored. */
  readonly #undecided = new Set<number>();

  private constructor(options: SlimSessionEndpointOptions, identity: SlimMemberIdentity, name: SlimName, encode: (name: SlimName) => WireName) {
    super();
    this.#options = options;
    this.identity = identity;
    this.name = name;
    this.#hasherWire = encode;
    this.wireName = encode(name);
  }

  /** Mints our identity, subscribes our full name on `client` and starts answering. */
  static async open(options: SlimSessionEndpointOptions): Promise<SlimSessionEndpoint> {
    const base = `${options.name.org}/${options.name.namespace}/${options.name.agent}`;
    const stored = options.store?.load();
    const identity = createSlimMemberIdentity({
      base,
      secret: options.secret,
      ...(stored === undefined ? {} : { tokenId: stored.tokenId, key: slimSigningKeyFrom(stored.privateScalar, stored.publicKey) }),
    });
    const name = createSlimName(options.name.org, options.name.namespace, options.name.agent, await xxh3Id(identity.tokenId));
    const hasher = await loadNameHasher();
    const endpoint = new SlimSessionEndpoint(options, identity, name, (n) => encodeSlimName(hasher, n));
    endpoint.#off = options.client.on('frame', (frame) => endpoint.#onFrame(frame));
    await options.client.subscribe(name);
    for (const session of stored?.sessions ?? []) endpoint.#restore(session);
    endpoint.#persist();
    return endpoint;
  }

  /** Encodes a name for the wire (both forms). */
  wire(name: SlimName): WireName {
    return this.#hasherWire(name);
  }

  /** The next session someone invited us into (joined: welcome processed), or TIMEOUT. */
  listenForSession(timeoutMs: number): Promise<SlimParticipantSession> {
    const ready = this.#ready.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const listener = (s: SlimParticipantSession): void => {
        clearTimeout(timer);
        resolve(s);
      };
      const timer = setTimeout(() => {
        const at = this.#listeners.indexOf(listener);
        if (at >= 0) this.#listeners.splice(at, 1);
        reject(new KizunaError('TIMEOUT', 'No SLIM session invitation arrived in time.', { timeoutMs }));
      }, timeoutMs);
      this.#listeners.push(listener);
    });
  }

  /** Creates a session we moderate (SLIM's createSession for a group); invite members into it next. */
  createSession(options: Omit<SlimModeratorOptions, 'mls'> & { mls?: boolean }): Promise<SlimModeratorSession> {
    const { mls, ...rest } = options;
    let moderatorMls: SlimModeratorOptions['mls'];
    if (mls === true) {
      const make = this.#options.moderatorMls;
      if (make === undefined) return Promise.reject(new KizunaError('MLS_ERROR', 'No MLS provider for SLIM sessions.'));
      moderatorMls = make(this.identity);
    }
    return SlimModeratorSession.create(this.context(), { ...rest, ...(moderatorMls === undefined ? {} : { mls: moderatorMls }) }, (n) => this.wire(n), (id, s) => this.register(id, s));
  }

  /** The context a session of ours works through. */
  context(): SessionContext {
    const client = this.#options.client;
    return {
      identity: this.identity,
      me: this.wireName,
      heartbeatMs: this.#options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS,
      send: (frame: WireMessage) => {
        if (client.state === 'online') client.sendFrame(frame);
      },
      subscribe: (name) => client.subscribe(name),
      unsubscribe: (name) => client.unsubscribe(name),
      ended: (id, forget) => {
        this.#sessions.delete(id);
        if (forget) this.#persist();
      },
      changed: () => this.#persist(),
    };
  }

  /** Routes frames of session `id` to `session` (the moderator side registers itself here). */
  register(id: number, session: RoutedSession): void {
    if (this.#sessions.size >= MAX_SESSIONS) throw new KizunaError('INVALID_INPUT', 'Too many SLIM sessions.');
    this.#sessions.set(id, session);
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#off?.();
    for (const session of [...this.#sessions.values()]) await session.close();
    this.#sessions.clear();
    await this.#options.client.unsubscribe(this.name).catch(() => undefined);
  }

  // ------------------------------------------------------------------ restarts

  #persist(): void {
    const store = this.#options.store;
    if (store === undefined || this.#closing) return;
    const sessions = [...this.#sessions.values()].filter((s): s is SlimParticipantSession => s instanceof SlimParticipantSession && s.joined);
    store.save({
      tokenId: this.identity.tokenId,
      privateScalar: this.identity.key.privateScalar,
      publicKey: this.identity.key.publicKey,
      sessions: sessions.map((s) => s.snapshot()),
    });
  }

  #restore(stored: NonNullable<ReturnType<SlimSessionStore['load']>>['sessions'][number]): void {
    const makeMls = this.#options.mls;
    if (stored.mls && makeMls === undefined) return;
    const roster = (stored.roster ?? []).map((name) => ({ name, settings: { sends_data: true, receives_data: true }, status: 0 }));
    const session = SlimParticipantSession.restore(this.context(), stored, roster, stored.mls && makeMls !== undefined ? makeMls(this.identity) : undefined);
    this.register(stored.sessionId, session);
    session.once('joined', () => this.#handOver(session));
    session.rejoin().catch((error: unknown) => log.warn('SLIM rejoin failed', { error: error instanceof Error ? error.message : String(error) }));
  }

  #handOver(session: SlimParticipantSession): void {
    this.emit('session', session);
    const listener = this.#listeners.shift();
    if (listener !== undefined) listener(session);
    else this.#ready.push(session);
  }

  // ------------------------------------------------------------------ inbound

  #onFrame(raw: WireMessage): void {
    const frame = readSessionFrame(raw);
    if (frame === undefined || frame.sessionType !== SESSION_TYPE_MULTICAST) return;
    if (nameKey(frame.source) === nameKey(this.wireName)) return; // our own fan-out
    let sender: VerifiedSlimToken;
    try {
      sender = this.identity.verify(frame);
    } catch (error) {
      const reason = error instanceof KizunaError ? error.code : 'unverifiable';
      log.warn('SLIM session message rejected', { type: frame.messageType, reason });
      this.emit('rejected', { type: frame.messageType, reason });
      return;
    }
    const session = this.#sessions.get(frame.sessionId);
    if (session !== undefined) {
      session.handle(frame, sender).catch((error: unknown) => log.warn('SLIM session message failed', { type: frame.messageType, error: error instanceof Error ? error.message : String(error) }));
      return;
    }
    if (frame.messageType === SlimMsg.DISCOVERY_REQUEST) this.#answerDiscovery(frame);
    else if (frame.messageType === SlimMsg.JOIN_REQUEST) {
      this.#join(frame, sender).catch((error: unknown) => log.warn('SLIM join failed', { error: error instanceof Error ? error.message : String(error) }));
    } else if (isControlMessage(frame.messageType)) log.debug('SLIM message for an unknown session', { type: frame.messageType });
  }

  #answerDiscovery(frame: SessionFrame): void {
    // Reply from the name we were asked for, with our id (SLIM matches discovery by name only).
    this.context().send(this.identity.seal({
      source: this.wireName,
      destination: frame.source,
      fanout: 1,
      messageType: SlimMsg.DISCOVERY_REPLY,
      sessionId: frame.sessionId,
      messageId: frame.messageId,
      content: { command: { discovery_reply: {} } },
    }));
  }

  async #join(frame: SessionFrame, sender: VerifiedSlimToken): Promise<void> {
    const request = frame.command?.join_request;
    if (!request?.channel || !request.control || this.#undecided.has(frame.sessionId)) return;
    const wantsMls = request.mls_settings !== undefined && request.mls_settings !== null;
    const makeMls = this.#options.mls;
    if (wantsMls && makeMls === undefined) {
      log.warn('SLIM session with MLS refused: no MLS provider');
      return;
    }
    const timer = request.timer_settings
      ? { timeoutMs: request.timer_settings.timeout ?? 1000, maxRetries: request.timer_settings.max_retries ?? 10 }
      : undefined;
    const consent = this.#options.consent;
    if (consent !== undefined) {
      const invitation: SlimInvitation = {
        sessionId: frame.sessionId,
        moderator: nameText(frame.source),
        moderatorIdentity: sender.subject,
        mls: wantsMls,
        expiresAt: Date.now() + (timer === undefined ? JOIN_WINDOW_MS : timer.timeoutMs * timer.maxRetries),
        metadata: frame.metadata,
      };
      if (this.#undecided.size >= MAX_SESSIONS) this.#undecided.clear();
      this.#undecided.add(frame.sessionId);
      const accepted = await consent(invitation).catch(() => false);
      if (!accepted) {
        this.emit('declined', invitation);
        return;
      }
      if (Date.now() > invitation.expiresAt) {
        this.emit('expired', invitation);
        return;
      }
      this.#undecided.delete(frame.sessionId);
    }
    const session = new SlimParticipantSession(this.context(), {
      sessionId: frame.sessionId,
      moderator: frame.source,
      channel: request.channel,
      control: request.control,
      timer,
      mls: wantsMls && makeMls !== undefined ? makeMls(this.identity) : undefined,
      metadata: frame.metadata,
    });
    this.register(frame.sessionId, session);
    const window = timer === undefined ? JOIN_WINDOW_MS : Math.min(JOIN_WINDOW_MS, timer.timeoutMs * (timer.maxRetries + 2));
    const abandon = setTimeout(() => {
      if (!session.joined) void session.close();
    }, window);
    abandon.unref();
    session.once('joined', () => {
      clearTimeout(abandon);
      this.#handOver(session);
    });
    await session.accept(frame);
  }
}
