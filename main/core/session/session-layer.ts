import type { ConnectionStatus } from '../../../shared/ipc/ipc-contract.js';
import { formatSlimName, parseSlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual, fromBase64Url, toBase64Url } from '../encoding/base64url.js';
import { groupChannelName } from '../kernel/channel-names.js';
import type { Engine } from '../engine/engine.js';
import { buildEnvelope } from '../envelopes/envelope-builder.js';
import { peekEnvelope, readEnvelope, type PeekedEnvelope, type VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import { requestAllMissingSecrets } from '../encryption/secret-handshake.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import { SEQUENCED_TYPES } from '../ingest/inbox-processor.js';
import { createLogger } from '../log/logger.js';
import { SlimClient, type TransportStateChange } from '../transport/slim-client.js';
import type { IncomingPublish } from '../transport/slim-message-reader.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import { ackSchema } from '../wire/wire-schemas.js';
import { AckBatcher, type AckTarget } from './ack-batcher.js';
import { CatchUp, type SyncProgress } from './catch-up.js';
import { Discovery, type DiscoveredCard } from './discovery.js';
import { OutboxPump } from './outbox-pump.js';
import { Presence, type PresenceChange } from './presence.js';
import { publishVia, slimName, type SessionContext } from './session-context.js';
import { DEFAULT_SESSION_OPTIONS, KIZUNA_PAYLOAD_TYPE, type SessionOptions } from './session-options.js';

export interface SessionEvents {
  status: ConnectionStatus['state'];
  sync: SyncProgress | null;
  presence: PresenceChange;
  error: KizunaError;
}

/** Envelope types the session layer handles itself (never stored in the inbox). */
const SESSION_TYPES = new Set(['ACK', 'HEARTBEAT', 'SYNC_REQUEST', 'SYNC_REPLY', 'DISCOVERY_REQUEST', 'DISCOVERY_REPLY']);
/** Received envelopes we acknowledge (to their sender's name) once they are in the durable inbox. */
const ACKED_DIRECT = new Set(['INVITE', 'JOIN', 'DECLINE', 'WELCOME', 'SECRET_REPLY']);

/**
 * The session layer: puts one engine on a SLIM node. It keeps subscriptions (own name, every
 * group channel we are in) in step with the engine, drains the durable outbox, acknowledges what
 * it stored, counts acks into delivery states, fills gaps and catches up after being offline, and
 * tells the host how the connection stands (offline / connecting / online / syncing).
 */
export class SessionLayer {
  readonly events = new TypedEmitter<SessionEvents>();
  private readonly client: SlimClient;
  private readonly s: SessionContext;
  private readonly pump: OutboxPump;
  private readonly acks: AckBatcher;
  private readonly catchUp: CatchUp;
  private readonly presence: Presence;
  private readonly discovery: Discovery;
  private readonly subscribed = new Set<string>();
  private readonly archive: Set<string>;
  private readonly offs: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  private transportState: TransportStateChange['state'] = 'connecting';
  /** Online and subscribed (own name and channels): only then can others reach us. */
  private ready = false;
  private syncing: SyncProgress | null = null;
  private lastError: KizunaError | null = null;
  private closed = false;

  constructor(
    private readonly engine: Engine,
    options: Partial<SessionOptions> & { endpoint: string },
  ) {
    const identity = engine.getIdentity();
    if (identity === null) throw new KizunaError('IDENTITY_MISSING');
    const opts: SessionOptions = { ...DEFAULT_SESSION_OPTIONS, ...options };
    this.archive = new Set(opts.archiveGroups);
    this.client = new SlimClient({
      ...opts.transport,
      endpoint: opts.endpoint,
      localName: parseSlimName(identity.slimName),
      ...(opts.auth === undefined ? {} : { auth: opts.auth }),
    });
    this.s = {
      engine,
      ctx: engine.context,
      client: this.client,
      options: opts,
      log: createLogger('session'),
      online: () => this.transportState === 'online',
      publish: publishVia(this.client, () => this.transportState === 'online'),
    };
    this.pump = new OutboxPump(this.s);
    this.acks = new AckBatcher(5, 256, (target, ids) => this.sendAck(target, ids));
    this.catchUp = new CatchUp(this.s, (g) => this.archive.has(toBase64Url(g)), (p) => this.setSync(p));
    this.presence = new Presence(this.s, (c) => this.events.emit('presence', c));
    this.discovery = new Discovery(this.s);
  }

  /** Connects in the background (and keeps reconnecting) until close(). */
  start(): void {
    this.offs.push(
      this.client.on('state', (change) => this.onTransportState(change)),
      this.client.on('message', (p) => this.onPublish(p)),
      this.client.on('drain', () => this.pump.kick()),
      this.engine.events.on('outbox', () => this.pump.kick()),
      this.engine.events.on('group', () => this.syncSubscriptions()),
      this.engine.events.on('ephemeral', (e) => {
        const groupId = fromBase64Url(e.groupId);
        if (groupId !== undefined) this.s.publish(e.slimName, e.bytes, { type: 'TYPING', groupId, toChannel: true, seq: 0 });
      }),
    );
    this.client.start();
    const opts = this.s.options;
    this.timers.push(
      setInterval(() => this.presence.beat(this.channels()), opts.heartbeatMs),
      setInterval(() => {
        // While a backlog is being processed, its gaps are not gaps yet: asking now would only
        // bring the same envelopes again.
        if (this.s.online() && !this.engine.inbox.busy()) this.catchUp.checkGaps(this.channels());
      }, opts.gapCheckMs),
    );
  }

  /** Waits until online and reachable (subscribed); throws after the timeout. */
  async waitOnline(timeoutMs = 10_000): Promise<void> {
    if (this.status() === 'online' || this.status() === 'syncing') return;
    // A refused credential is final (the transport stops): say so at once rather than time out.
    if (this.lastError?.code === 'AUTH_FAILED') throw this.lastError;
    let offError: (() => void) | undefined;
    const refused = new Promise<never>((_, reject) => {
      offError = this.events.on('error', (err) => {
        if (err.code === 'AUTH_FAILED') reject(err);
      });
    });
    try {
      await Promise.race([
        this.events.waitFor('status', (st) => st === 'online' || st === 'syncing', timeoutMs).catch(() => {
          throw new KizunaError('NODE_UNREACHABLE', undefined, { endpoint: this.s.options.endpoint });
        }),
        refused,
      ]);
    } finally {
      offError?.();
    }
  }

  status(): ConnectionStatus['state'] {
    if (this.transportState !== 'online') return this.transportState;
    if (!this.ready) return 'connecting';
    return this.syncing === null ? 'online' : 'syncing';
  }

  syncProgress(): SyncProgress | null {
    return this.syncing;
  }

  error(): KizunaError | null {
    return this.lastError;
  }

  onlineMembers(groupId: string): string[] {
    return this.presence.online(groupId);
  }

  /** Asks a SLIM name for its contact card (invitations by name). */
  discover(name: string, timeoutMs = 10_000): Promise<DiscoveredCard> {
    return this.discovery.ask(formatSlimName(parseSlimName(name)), timeoutMs);
  }

  /** Seed 000's per-session max_retries and timeout: applied to this layer from now on. */
  tune(options: Partial<Pick<SessionOptions, 'maxRetries' | 'ackTimeoutMs'>>): void {
    if (options.maxRetries !== undefined) this.s.options.maxRetries = options.maxRetries;
    if (options.ackTimeoutMs !== undefined) this.s.options.ackTimeoutMs = options.ackTimeoutMs;
  }

  /** Asks every group we are in for what we missed (also done on every reconnect). */
  syncNow(): void {
    this.catchUp.requestAll(this.channels());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const off of this.offs.splice(0)) off();
    this.acks.flush();
    this.pump.close();
    this.acks.close();
    this.discovery.close();
    await this.client.close();
    this.events.removeAllListeners();
  }

  // -- connection

  private onTransportState(change: TransportStateChange): void {
    const was = this.status();
    this.transportState = change.state;
    if (change.reason !== undefined) {
      this.lastError = change.reason;
      if (change.reason.code === 'AUTH_FAILED') this.events.emit('error', change.reason);
    }
    if (change.state === 'online') {
      this.lastError = null;
      void this.afterOnline();
    } else if (change.state === 'offline') {
      this.ready = false;
      this.subscribed.clear();
      this.presence.clear();
    }
    if (this.status() !== was) this.events.emit('status', this.status());
  }

  private async afterOnline(): Promise<void> {
    try {
      await this.syncSubscriptions();
      if (this.transportState === 'online' && !this.ready) {
        this.ready = true;
        this.events.emit('status', this.status());
      }
      this.engine.outbox.expedite();
      this.pump.kick();
      this.presence.beat(this.channels());
      this.catchUp.requestAll(this.channels());
      requestAllMissingSecrets(this.s.ctx);
    } catch (err) {
      this.lastError = toKizunaError(err);
      this.events.emit('error', this.lastError);
    }
  }

  private setSync(p: SyncProgress | null): void {
    const was = this.status();
    this.syncing = p;
    this.events.emit('sync', p);
    if (this.status() !== was) this.events.emit('status', this.status());
  }

  /** Group channels we listen to: groups we are (joining or) in, and the groups we archive. */
  private channels(): Uint8Array[] {
    const ids = this.s.ctx.store.read.groups
      .list()
      .filter((g) => g.myState === 'joined' || g.myState === 'joining')
      .map((g) => g.groupId);
    for (const a of this.archive) {
      const id = fromBase64Url(a);
      if (id !== undefined && id.byteLength === 32 && !ids.some((x) => bytesEqual(x, id))) ids.push(id);
    }
    return ids;
  }

  /** Subscription changes run one after another. */
  private subscriptionWork: Promise<void> = Promise.resolve();

  /** Subscribes to our own name and every channel we should hear; unsubscribes the rest. */
  private syncSubscriptions(): Promise<void> {
    this.subscriptionWork = this.subscriptionWork.then(async () => {
      if (!this.s.online() || this.closed) return;
      const identity = this.engine.getIdentity();
      if (identity === null) return;
      // Name → the group whose channel it is (our own name has none).
      const wanted = new Map<string, Uint8Array | undefined>([[identity.slimName, undefined], ...this.channels().map((id) => [groupChannelName(id), id] as const)]);
      for (const [name, groupId] of wanted) {
        if (this.subscribed.has(name)) continue;
        try {
          await this.client.subscribe(slimName(name));
          this.subscribed.add(name);
          // A channel we just joined: ask it for what we do not have yet.
          if (groupId !== undefined) this.catchUp.request(groupId);
        } catch (err) {
          this.s.log.warn('subscribe failed', { reason: toKizunaError(err).code });
        }
      }
      for (const name of [...this.subscribed]) {
        if (wanted.has(name)) continue;
        this.subscribed.delete(name);
        await this.client.unsubscribe(slimName(name)).catch(() => undefined);
      }
    });
    return this.subscriptionWork;
  }

  // -- receiving

  private onPublish(p: IncomingPublish): void {
    if (p.payloadType !== KIZUNA_PAYLOAD_TYPE) return;
    let e: PeekedEnvelope;
    try {
      e = peekEnvelope(p.blob);
    } catch {
      // Not even decodable: the inbox records and counts it like any other bad input.
      void this.engine.receive(p.blob, 'network');
      return;
    }
    const replyTo = p.source.name === null ? undefined : formatSlimName(p.source.name);
    if (SESSION_TYPES.has(e.type)) {
      this.onSessionEnvelope(p.blob, replyTo);
      return;
    }
    this.presence.seen(e.groupId, e.sender);
    this.store(p.blob, e, 'network', replyTo, SEQUENCED_TYPES.has(e.type) || ACKED_DIRECT.has(e.type));
  }

  /**
   * Into the inbox (or, for a group we archive, the archive), and acknowledged to `ackTo` once
   * stored durably, not before.
   */
  private store(bytes: Uint8Array, e: PeekedEnvelope, origin: string, ackTo: string | undefined, ackable: boolean): void {
    if (this.archive.has(toBase64Url(e.groupId))) {
      this.archiveEnvelope(bytes);
      return;
    }
    const stored = this.engine.receive(bytes, origin);
    if (ackTo !== undefined && ackable && !bytesEqual(e.sender, this.s.ctx.self().userId)) {
      void stored.then(() => this.acks.add({ slimName: ackTo, groupId: e.groupId, recipient: e.sender }, e.id));
    }
  }

  private onSessionEnvelope(bytes: Uint8Array, replyTo: string | undefined): void {
    const v = tryRead(bytes);
    if (v === undefined) return;
    const e = v.envelope;
    const self = this.s.ctx.self().userId;
    if (bytesEqual(e.sender, self)) return;
    if (e.recipient.byteLength > 0 && !bytesEqual(e.recipient, self)) return;
    switch (e.type) {
      case 'ACK':
        this.onAck(v);
        break;
      case 'HEARTBEAT':
        this.presence.handleHeartbeat(v);
        break;
      case 'SYNC_REQUEST':
        if (replyTo !== undefined) this.catchUp.answer(v, replyTo);
        break;
      case 'SYNC_REPLY':
        this.catchUp.accept(v, (inner, peeked) => this.receiveSynced(inner, peeked));
        void this.engine.inbox.idle().then(() => this.catchUp.updateProgress(false));
        break;
      case 'DISCOVERY_REQUEST':
        if (replyTo !== undefined) this.discovery.answer(v, replyTo);
        break;
      case 'DISCOVERY_REPLY':
        this.discovery.accept(v);
        break;
      default:
        break;
    }
  }

  /** An envelope from a sync reply: stored like any received one, and acked to its own sender. */
  private receiveSynced(inner: Uint8Array, e: PeekedEnvelope): void {
    this.store(inner, e, 'sync', this.s.ctx.store.read.people.get(e.sender)?.slimName, SEQUENCED_TYPES.has(e.type));
  }

  /**
   * Archive peers keep every sequenced envelope of the groups they serve, checked for its
   * signature only: they hold no key and cannot (and need not) read or judge the content.
   */
  private archiveEnvelope(bytes: Uint8Array): void {
    const v = tryRead(bytes);
    if (v === undefined) return;
    const e = v.envelope;
    if (!SEQUENCED_TYPES.has(e.type)) return;
    const ctx = this.s.ctx;
    ctx.store.transaction(() =>
      ctx.store.write.log.append({ groupId: e.groupId, sender: e.sender, seq: e.seq, epoch: e.epoch, type: e.type, envelopeId: v.id, bytes, receivedAt: ctx.now() }),
    );
  }

  private onAck(v: VerifiedEnvelope): void {
    const e = v.envelope;
    let ack;
    try {
      ack = decodeWire('Ack', ackSchema, e.body);
    } catch {
      return;
    }
    const read = this.s.ctx.store.read;
    const member = read.groups.member(e.groupId, e.sender);
    // An ack of a channel envelope proves the member listens to the channel, so accepted: sealed and
    // unencrypted groups learn who joined this way. (An ack of a direct envelope, an invitation, proves
    // only that it arrived; MLS groups know their members from the MLS roster.)
    if (member?.status === 'invited' && read.groups.get(e.groupId)?.mode !== 'mls') {
      const ofChannel = ack.envelopeIds.some((id) => read.queue.outboxByEnvelope(id).some((j) => j.destination === 'group'));
      if (ofChannel) this.s.ctx.store.write.groups.setMemberStatus(e.groupId, e.sender, 'joined');
    }
    let progressed = false;
    for (const id of ack.envelopeIds) {
      if (member !== undefined) this.engine.outbox.recordDelivery(id, e.sender);
      for (const job of read.queue.outboxByEnvelope(id)) {
        if (job.state !== 'sent' && job.state !== 'pending') continue;
        const finished =
          job.destination === 'user' ? job.recipient !== null && bytesEqual(job.recipient, e.sender) : member !== undefined && this.pump.everyoneAcked(job);
        if (finished) {
          this.engine.outbox.markDone(job);
          progressed = true;
        }
      }
    }
    if (progressed) this.pump.kick();
  }

  private sendAck(target: AckTarget, ids: Uint8Array[]): void {
    if (!this.s.online()) return;
    const built = buildEnvelope(this.s.ctx.self(), {
      groupId: target.groupId,
      epoch: 0,
      type: 'ACK',
      seq: 0,
      sentAt: this.s.ctx.now(),
      body: encodeWire('Ack', { envelopeIds: ids }),
      recipient: target.recipient,
    });
    this.s.publish(target.slimName, built.bytes, { type: 'ACK', groupId: target.groupId, toChannel: false, seq: 0 });
  }
}

/** Reads and verifies an envelope; undefined for anything that does not hold (nothing to answer). */
function tryRead(bytes: Uint8Array): VerifiedEnvelope | undefined {
  try {
    return readEnvelope(bytes);
  } catch {
    return undefined;
  }
}
