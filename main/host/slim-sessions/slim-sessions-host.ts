/**
 * The app's side of SLIM's own group sessions (issue 10): the profile's SLIM identity (name + shared
 * secret, set in the UI), a SLIM app of ours on the node the core uses, listening for invitations, and
 * the person's consent: a verified invitation waits in the UI until accepted or declined. Accepting
 * joins within SLIM's retry window; answering later leaves it "expired" (the SLIM moderator gave up).
 * Joined sessions carry text both ways; what the UI shows is one snapshot (SlimSessionsState) pushed on
 * every change.
 *
 * Everything here comes from verified frames (the endpoint checks tokens and signatures first), yet the
 * sender is still a stranger holding the secret: pending invitations, sessions and messages are bounded.
 */
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import type { SlimInvitationView, SlimMessageView, SlimSessionView, SlimSessionsState } from '../../../shared/domain/slim-session-views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { TypedEmitter } from '../../core/events/typed-emitter.js';
import { createLogger } from '../../core/log/logger.js';
import type { SlimInvitation } from '../../core/slim-session/slim-session-endpoint.js';
import type { SlimParticipantSession } from '../../core/slim-session/slim-participant.js';
import { SlimApp } from '../sdk/slim-app.js';
import { SlimSessionSecretStore, type SlimSessionSecret } from './slim-session-secret.js';

const log = createLogger('host.slim-sessions');
const MAX_PENDING = 32;
const MAX_SESSIONS = 64;
const MAX_MESSAGES = 500;
const MAX_TEXT = 70_000;

interface Pending {
  view: SlimInvitationView;
  answer: (accept: boolean) => void;
  timer: NodeJS.Timeout;
}

interface Joined {
  view: SlimSessionView;
  session: SlimParticipantSession;
}

export interface SlimSessionsHostOptions {
  dataDir: string;
  /** The node the core is connected to (host:port or unix://), '' while there is none. */
  nodeEndpoint: () => string;
  nodeAuth?: { username: string; password: string };
}

export class SlimSessionsHost {
  readonly events = new TypedEmitter<{ changed: SlimSessionsState }>();
  readonly #options: SlimSessionsHostOptions;
  readonly #secrets: SlimSessionSecretStore;
  readonly #pending = new Map<number, Pending>();
  readonly #expired = new Map<number, SlimInvitationView>();
  readonly #joined = new Map<number, Joined>();
  #app: SlimApp | undefined;
  #starting: Promise<void> | undefined;
  #endpointInUse = '';
  #error: string | null = null;
  #seq = 0;
  #closed = false;

  constructor(options: SlimSessionsHostOptions) {
    this.#options = options;
    this.#secrets = new SlimSessionSecretStore(options.dataDir);
  }

  state(): SlimSessionsState {
    const invitations = [...this.#pending.values()].map((p) => p.view).concat([...this.#expired.values()]);
    const sessions = [...this.#joined.values()].map((j) => j.view).sort((a, b) => b.lastActivityAt - a.lastActivityAt);
    return {
      name: this.#secrets.load()?.name ?? null,
      listening: this.#app !== undefined,
      error: this.#error,
      invitations: invitations.map((v) => ({ ...v })),
      sessions: sessions.map((s) => ({ ...s, members: [...s.members], messages: [...s.messages] })),
    };
  }

  /** Sets the profile's SLIM name and shared secret and (re)starts listening with them. */
  async configure(secret: SlimSessionSecret): Promise<SlimSessionsState> {
    parseSlimName(secret.name);
    this.#secrets.save(secret);
    await this.#stop();
    await this.ensureStarted();
    return this.state();
  }

  /** Starts listening when SLIM sessions are set up and the core has a node (again after it changed). */
  async ensureStarted(): Promise<void> {
    if (this.#starting !== undefined) return this.#starting;
    this.#starting = this.#start().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async #start(): Promise<void> {
    const secret = this.#secrets.load();
    const endpoint = this.#options.nodeEndpoint();
    if (this.#closed || secret === undefined || endpoint === '') return;
    if (this.#app !== undefined && this.#endpointInUse === endpoint) return;
    await this.#stop();
    try {
      const app = await SlimApp.create({
        name: secret.name,
        node: endpoint,
        sharedSecret: secret.sharedSecret,
        ...(this.#options.nodeAuth === undefined ? {} : { nodeAuth: this.#options.nodeAuth }),
        consent: (invitation) => this.#ask(invitation),
      });
      if (this.#closed) return void (await app.close());
      this.#app = app;
      this.#endpointInUse = endpoint;
      this.#error = null;
      app.endpoint.on('session', (session) => this.#onJoined(session));
      app.endpoint.on('expired', (invitation) => this.#markExpired(invitation.sessionId));
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
      log.warn('SLIM sessions could not start', { error: this.#error });
    }
    this.#changed();
  }

  /** The person's answer to a pending invitation. Accepting after SLIM's window leaves it expired. */
  answer(sessionId: number, accept: boolean): SlimSessionsState {
    const pending = this.#pending.get(sessionId);
    if (pending === undefined) {
      if (this.#expired.has(sessionId) && !accept) {
        this.#expired.delete(sessionId);
        this.#changed();
        return this.state();
      }
      throw new KizunaError('INVITATION_NOT_FOUND');
    }
    if (accept && Date.now() > pending.view.expiresAt) {
      this.#markExpired(sessionId);
      return this.state();
    }
    if (accept) pending.view.state = 'joining';
    else this.#pending.delete(sessionId);
    clearTimeout(pending.timer);
    pending.answer(accept);
    this.#changed();
    return this.state();
  }

  /** Sends text into a joined session; the message shows at once and its state follows SLIM's acks. */
  send(sessionId: number, text: string): SlimSessionsState {
    const joined = this.#joined.get(sessionId);
    if (joined === undefined) throw new KizunaError('GROUP_NOT_FOUND');
    if (joined.view.ended !== null) throw new KizunaError('GROUP_LEFT');
    const name = this.#secrets.load()?.name ?? '';
    const message: SlimMessageView = { seq: (this.#seq += 1), source: name, mine: true, text, at: Date.now(), state: 'sending' };
    this.#append(joined, message);
    joined.session
      .publish(new TextEncoder().encode(text))
      .then(() => this.#setState(joined, message.seq, 'sent'))
      .catch((error: unknown) => {
        log.warn('SLIM session send failed', { error: error instanceof Error ? error.message : String(error) });
        this.#setState(joined, message.seq, 'failed');
      });
    return this.state();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#stop();
  }

  async #stop(): Promise<void> {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.answer(false);
    }
    this.#pending.clear();
    const app = this.#app;
    this.#app = undefined;
    this.#endpointInUse = '';
    if (app !== undefined) await app.close().catch(() => undefined);
  }

  #ask(invitation: SlimInvitation): Promise<boolean> {
    if (this.#pending.size >= MAX_PENDING || this.#pending.has(invitation.sessionId)) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const view: SlimInvitationView = {
        sessionId: invitation.sessionId,
        moderator: invitation.moderator,
        moderatorIdentity: invitation.moderatorIdentity,
        mls: invitation.mls,
        expiresAt: invitation.expiresAt,
        state: 'pending',
      };
      // When SLIM's moderator stops retrying, the card says so (an answer now would be too late).
      const timer = setTimeout(() => this.#markExpired(invitation.sessionId), Math.max(0, invitation.expiresAt - Date.now()));
      timer.unref();
      this.#pending.set(invitation.sessionId, { view, answer: resolve, timer });
      this.#changed();
    });
  }

  #markExpired(sessionId: number): void {
    const pending = this.#pending.get(sessionId);
    if (pending === undefined || this.#joined.has(sessionId)) return;
    this.#pending.delete(sessionId);
    clearTimeout(pending.timer);
    if (pending.view.state === 'pending') pending.answer(false);
    if (this.#expired.size >= MAX_PENDING) this.#expired.delete(this.#expired.keys().next().value as number);
    this.#expired.set(sessionId, { ...pending.view, state: 'expired' });
    this.#changed();
  }

  #onJoined(session: SlimParticipantSession): void {
    const pending = this.#pending.get(session.sessionId);
    this.#pending.delete(session.sessionId);
    if (pending !== undefined) clearTimeout(pending.timer);
    if (this.#joined.size >= MAX_SESSIONS) this.#dropOldestEnded();
    const view: SlimSessionView = {
      sessionId: session.sessionId,
      moderator: pending?.view.moderator ?? '',
      moderatorIdentity: pending?.view.moderatorIdentity ?? '',
      mls: session.mlsEnabled,
      members: session.members(),
      ended: null,
      messages: [],
      lastActivityAt: Date.now(),
    };
    const joined: Joined = { view, session };
    this.#joined.set(session.sessionId, joined);
    session.on('message', (m) => {
      const text = new TextDecoder().decode(m.payload).slice(0, MAX_TEXT);
      this.#append(joined, { seq: (this.#seq += 1), source: m.source, mine: false, text, at: Date.now(), state: null });
    });
    session.on('members', (members) => {
      view.members = [...members];
      this.#changed();
    });
    session.on('ended', (reason) => {
      view.ended = reason;
      this.#changed();
    });
    this.#changed();
  }

  #dropOldestEnded(): void {
    const ended = [...this.#joined.values()].filter((j) => j.view.ended !== null).sort((a, b) => a.view.lastActivityAt - b.view.lastActivityAt)[0];
    if (ended !== undefined) this.#joined.delete(ended.view.sessionId);
  }

  #append(joined: Joined, message: SlimMessageView): void {
    joined.view.messages.push(message);
    if (joined.view.messages.length > MAX_MESSAGES) joined.view.messages.splice(0, joined.view.messages.length - MAX_MESSAGES);
    joined.view.lastActivityAt = message.at;
    this.#changed();
  }

  #setState(joined: Joined, seq: number, state: 'sent' | 'failed'): void {
    const i = joined.view.messages.findIndex((m) => m.seq === seq);
    const m = joined.view.messages[i];
    if (m === undefined) return;
    joined.view.messages[i] = { ...m, state };
    this.#changed();
  }

  #changed(): void {
    this.events.emit('changed', this.state());
  }
}
