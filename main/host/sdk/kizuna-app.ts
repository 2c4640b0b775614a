import { mkdirSync } from 'node:fs';
import type { EncryptionMode, IdentityView, SafetyNumberView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { RETRY_LIMITS } from '../../../shared/domain/retry-policy.js';
import type { RetryPolicyPatch } from '../../../shared/ipc/retry-policy-schema.js';
import { createKizunaCore, type KizunaCoreWithSession } from '../create-core.js';
import type { IdentityTokens } from '../../core/identity/tokens/index.js';
import type { SessionOptions } from '../../core/session/session-options.js';
import { openProfileKey } from '../profile-key.js';
import { chooseDiscoveryAnswer, unverifiedAnswerError, type DiscoveryTrust } from './discovery-trust.js';
import { GroupSession } from './group-session.js';
import { sessionWhenConnected } from './session-when-connected.js';
import type { DiscoveredCard } from '../../core/session/discovery.js';

/**
 * The Node SDK, in the shape of seed 000's Python bindings: `createApp(identity)`,
 * `app.createSession({...})`, `session.invite(name)`, `app.listenForSession()`,
 * `session.getMessage()`, `session.publish(payload)`, `session.remove(name)`, `session.leave()`.
 * Underneath it is the same engine and session layer the desktop app runs.
 */
export interface AppOptions {
  /** The profile folder (created if missing). */
  dataDir: string;
  /** Created on first use: display name and (optionally) the SLIM name org/namespace/agent. */
  identity?: { displayName: string; slimName?: string };
  /** SLIM node endpoint (`127.0.0.1:PORT` or `unix:///path`); default: the embedded node. */
  node?: string;
  /** Basic auth for a node that requires it. */
  nodeAuth?: { username: string; password: string };
  passphrase?: string;
  keyFile?: string;
  /** Session tuning (seed 000's max_retries and timeout are per session; see createSession). */
  session?: Partial<Omit<SessionOptions, 'endpoint'>>;
  /** Work from the store only, without connecting (listing, history). */
  offline?: boolean;
  /** Identity tokens (seed 000's JWT/SPIFFE or shared secret identities). */
  identityTokens?: IdentityTokens;
  /**
   * Invite by SLIM name even when the answer is unverified (no identity token our verifier accepts, not
   * an accepted contact). Default false: such answers are refused with DISCOVERY_UNVERIFIED.
   */
  acceptUnverified?: boolean;
}

export interface CreateSessionOptions {
  /** Seed 000's channel_name; its last component names the group (the SLIM channel is derived from the group id). */
  channelName?: string;
  /** The group's name (default: the channel name's agent part). */
  name?: string;
  /** SLIM names to invite at creation (Kizuna groups start with at least two members besides the creator). */
  invites?: string[];
  /** Or people already known, by user id. */
  members?: string[];
  /** Seed 000's mls_enabled; `mode` wins when both are given. */
  mlsEnabled?: boolean;
  mode?: EncryptionMode;
  /** A one-to-one chat with the one person in `members` or `invites`. */
  direct?: boolean;
  /** Seed 000's max_retries and timeout (ms), applied to this session (group) only. */
  maxRetries?: number;
  timeout?: number;
  /** How long to wait for each invited name to answer discovery (default 10 s). */
  discoveryTimeoutMs?: number;
  /** Invite names whose answers are unverified (overrides the app's acceptUnverified). */
  acceptUnverified?: boolean;
}

/** Who answered at a SLIM name, and whether anything binds the name to that key. */
export interface DiscoveredPerson {
  readonly userId: string;
  readonly displayName: string;
  readonly slimName: string;
  /** The card's text (add it as a contact to accept this key for the name). */
  readonly card: string;
  readonly trust: DiscoveryTrust;
}

export class KizunaApp {
  private readonly sessions = new Map<string, GroupSession>();

  private constructor(
    readonly core: KizunaCoreWithSession,
    private readonly options: Pick<AppOptions, 'identityTokens' | 'acceptUnverified' | 'offline'> = {},
  ) {}

  private get offline(): boolean {
    return this.options.offline === true;
  }

  static async create(options: AppOptions): Promise<KizunaApp> {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const key = await openProfileKey(options);
    const core = await createKizunaCore({
      dataDir: options.dataDir,
      keyWrapper: key.wrapper,
      ...(options.node === undefined ? {} : { nodeEndpoint: options.node }),
      ...(options.nodeAuth === undefined ? {} : { nodeAuth: options.nodeAuth }),
      ...(options.session === undefined ? {} : { session: options.session }),
      ...(options.offline === true ? { offline: true } : {}),
      ...(options.identityTokens === undefined ? {} : { identityTokens: options.identityTokens }),
    }).catch(async (err: unknown) => {
      await key.discardIfUnused();
      throw err;
    });
    if (core.engine.getIdentity() === null) {
      if (options.identity === undefined) {
        await core.close();
        throw new KizunaError('IDENTITY_MISSING', 'This profile has no identity yet: pass identity.displayName.');
      }
      core.engine.createIdentity(options.identity);
    }
    return new KizunaApp(core, options);
  }

  get identity(): IdentityView {
    const id = this.core.engine.getIdentity();
    if (id === null) throw new KizunaError('IDENTITY_MISSING');
    return id;
  }

  /** Resolves once connected to the node (or throws after the timeout). */
  async waitOnline(timeoutMs = 15_000): Promise<void> {
    if (this.offline) throw new KizunaError('NODE_UNREACHABLE', 'This profile was opened offline.');
    const session = await sessionWhenConnected(this.core, timeoutMs);
    await session.waitOnline(timeoutMs);
  }

  /** The contact card others need to add us. */
  card(): string {
    return this.identity.card;
  }

  /** The safety number both people compare (issue 11): 60 digits in 12 groups, and its QR text. */
  safetyNumber(userId: string): SafetyNumberView {
    return this.core.engine.safetyNumber(userId);
  }

  /** Marks a contact verified; with `entered` (their number or QR text) only if it matches (SAFETY_NUMBER_MISMATCH). */
  verifyContact(userId: string, entered?: string): SafetyNumberView {
    return this.core.engine.verifyContact(userId, entered);
  }

  /** Asks a SLIM name who it is (they must be online) and says whether the answer is verified; stores nothing. */
  async discover(slimName: string, timeoutMs = 10_000): Promise<DiscoveredPerson> {
    return (await this.ask(slimName, timeoutMs)).person;
  }

  private async ask(slimName: string, timeoutMs: number): Promise<{ person: DiscoveredPerson; found: DiscoveredCard; conflicting: boolean }> {
    const session = this.core.session();
    if (session === undefined) throw new KizunaError('NODE_UNREACHABLE');
    const answers = await session.discover(slimName, timeoutMs);
    const { answer: found, trust, conflicting } = await chooseDiscoveryAnswer(slimName, answers, this.core.engine.listContacts(), this.options.identityTokens?.verifier);
    const person = { userId: Buffer.from(found.card.signKey).toString('base64url'), displayName: found.card.displayName, slimName: found.card.slimName, card: found.text, trust };
    return { person, found, conflicting };
  }

  /**
   * Knows someone by their SLIM name: asks the name for its card (they must be online) and adds it as a
   * contact. An unverified answer (see discovery-trust.ts) is refused with DISCOVERY_UNVERIFIED unless
   * `acceptUnverified` (per call, or the app's option) confirms it.
   */
  async resolve(slimName: string, timeoutMs = 10_000, options: { acceptUnverified?: boolean } = {}): Promise<string> {
    const { person, found, conflicting } = await this.ask(slimName, timeoutMs);
    // Several unverified keys answered: accepting "unverified" cannot say which one, so it is refused anyway.
    if (person.trust.kind === 'unverified' && (conflicting || !(options.acceptUnverified ?? this.options.acceptUnverified ?? false))) {
      throw unverifiedAnswerError(slimName, found, person.trust.reason);
    }
    const engine = this.core.engine;
    if (!engine.listContacts().some((c) => c.userId === person.userId)) engine.addContact(person.card);
    return person.userId;
  }

  async createSession(options: CreateSessionOptions): Promise<GroupSession> {
    checkTuning(options);
    const members = [...(options.members ?? [])];
    const confirm = options.acceptUnverified === undefined ? {} : { acceptUnverified: options.acceptUnverified };
    for (const name of options.invites ?? []) members.push(await this.resolve(name, options.discoveryTimeoutMs, confirm));
    const name = options.name ?? options.channelName?.split('/').pop() ?? 'Group';
    const mode: EncryptionMode = options.mode ?? (options.mlsEnabled === false ? 'none' : 'mls');
    const retryPolicy = policyPatch(options);
    const g = await this.core.engine.createGroup({
      name: options.direct === true && options.name === undefined ? '' : name,
      members,
      mode,
      direct: options.direct === true,
      ...(retryPolicy === undefined ? {} : { retryPolicy }),
    });
    return this.track(g.groupId);
  }

  /** Seed 000's max_retries and timeout (ms) for one session (group), stored with it: from now on, restarts included. */
  tuneSession(groupId: string, options: Pick<CreateSessionOptions, 'maxRetries' | 'timeout'>): void {
    checkTuning(options);
    const patch = policyPatch(options);
    if (patch !== undefined) this.core.engine.setRetryPolicy(groupId, patch);
  }

  /** Waits for an invitation, accepts it, and returns the session once we are in. */
  async listenForSession(options: { timeoutMs?: number } = {}): Promise<GroupSession> {
    const engine = this.core.engine;
    const timeoutMs = options.timeoutMs ?? 24 * 60 * 60 * 1000;
    const pending = engine.listInvitations()[0] ?? (await engine.events.waitFor('invitation', (i) => i.state === 'pending', timeoutMs));
    // The session listens before we accept, so no message processed right after the welcome is missed.
    const session = this.track(pending.groupId);
    const joined = engine.events.waitFor('group', (g) => g.groupId === pending.groupId && g.myState === 'joined', timeoutMs);
    const view = await engine.acceptInvitation(pending.groupId);
    if (view.myState !== 'joined') await joined;
    return session;
  }

  session(groupId: string): GroupSession {
    return this.track(groupId);
  }

  private track(groupId: string): GroupSession {
    let s = this.sessions.get(groupId);
    if (s === undefined) {
      s = new GroupSession(this, groupId);
      this.sessions.set(groupId, s);
    }
    return s;
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) s.detach();
    await this.core.close();
  }
}


/** Bad per-session tuning is refused before anything is created (the engine checks the same bounds again). */
function checkTuning(options: Pick<CreateSessionOptions, 'maxRetries' | 'timeout'>): void {
  const { maxRetries, timeoutMs } = RETRY_LIMITS;
  if (options.maxRetries !== undefined && (!Number.isInteger(options.maxRetries) || options.maxRetries < maxRetries.min || options.maxRetries > maxRetries.max)) {
    throw new KizunaError('RETRY_POLICY_INVALID', `maxRetries must be a whole number from ${maxRetries.min} to ${maxRetries.max}.`);
  }
  if (options.timeout !== undefined && (!Number.isInteger(options.timeout) || options.timeout < timeoutMs.min || options.timeout > timeoutMs.max)) {
    throw new KizunaError('RETRY_POLICY_INVALID', `timeout must be a whole number of milliseconds from ${timeoutMs.min} to ${timeoutMs.max}.`);
  }
}

/** The SDK's names for the stored policy's fields; undefined when neither is given. */
function policyPatch(options: Pick<CreateSessionOptions, 'maxRetries' | 'timeout'>): RetryPolicyPatch | undefined {
  checkTuning(options);
  if (options.maxRetries === undefined && options.timeout === undefined) return undefined;
  return { ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }), ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }) };
}

/** Seed 000's `create_app`. */
export function createApp(options: AppOptions): Promise<KizunaApp> {
  return KizunaApp.create(options);
}
