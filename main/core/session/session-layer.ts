import { tuneGroup } from './retry-policy.js';
import type { ConnectionStatus } from '../../../shared/ipc/ipc-contract.js';
import { formatSlimName, parseSlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual, fromBase64Url, toBase64Url } from '../encoding/base64url.js';
import type { GroupView } from '../../../shared/domain/views.js';
import { listensIn } from '../engine/engine-channels.js';
import type { SessionPort } from '../engine/session-port.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import { groupChannelName } from '../kernel/channel-names.js';
import { createLogger } from '../log/logger.js';
import { SlimClient, type SlimClientStats, type TransportStateChange } from '../transport/slim-client.js';
import { CatchUp, type SyncProgress } from './catch-up.js';
import { Discovery, type DiscoveredCard } from './discovery.js';
import { InboundRouter } from './inbound-router.js';
import { OutboxPump } from './outbox-pump.js';
import { Presence, type PresenceChange } from './presence.js';
import { sendVia, slimName, type SessionContext } from './session-context.js';
import { DEFAULT_SESSION_OPTIONS, type SessionOptions } from './session-options.js';

export interface SessionEvents {
  status: ConnectionStatus['state'];
  sync: SyncProgress | null;
  presence: PresenceChange;
  error: KizunaError;
}

/**
 * The session layer: puts one engine on a SLIM node, through the engine's SessionPort. It keeps
 * subscriptions (own name, every group channel we are in) in step with the engine, drains the
 * durable outbox, routes what arrives (inbound-router.ts), fills gaps and catches up after being
 * offline, and tells the host how the connection stands (offline / connecting / online / syncing).
 */
export class SessionLayer {
  readonly events = new TypedEmitter<SessionEvents>();
  private readonly client: SlimClient;
  private readonly s: SessionContext;
  private readonly pump: OutboxPump;
  private readonly inbound: InboundRouter;
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
    private readonly engine: SessionPort,
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
    const send = sendVia(this.client, () => this.transportState === 'online');
    this.s = {
      engine,
      client: this.client,
      options: opts,
      log: createLogger('session'),
      online: () => this.transportState === 'online',
      send,
      publish: (to, bytes, meta) => send(to, bytes, meta).kind === 'sent',
    };
    const isArchive = (g: Uint8Array): boolean => this.archive.has(toBase64Url(g));
    this.pump = new OutboxPump(this.s);
    this.catchUp = new CatchUp(this.s, isArchive, (p) => this.setSync(p));
    this.presence = new Presence(this.s, (c) => this.events.emit('presence', c), () => this.pump.acked());
    this.discovery = new Discovery(this.s);
    this.inbound = new InboundRouter(this.s, {
      catchUp: this.catchUp,
      presence: this.presence,
      discovery: this.discovery,
      isArchive,
      outboxProgressed: () => this.pump.acked(),
    });
  }

  /** Connects in the background (and keeps reconnecting) until close(). */
  start(): void {
    this.offs.push(
      this.client.on('state', (change) => this.onTransportState(change)),
      this.client.on('message', (p) => this.inbound.onPublish(p)),
      this.client.on('drain', () => this.pump.kick()),
      this.engine.events.on('outbox', () => this.pump.kick()),
      this.engine.events.on('group', (g) => {
        if (this.listeningChanges(g)) void this.syncSubscriptions();
      }),
      this.engine.events.on('ephemeral', (e) => {
        const groupId = fromBase64Url(e.groupId);
        if (groupId !== undefined) this.s.publish(e.slimName, e.bytes, { type: 'TYPING', groupId, toChannel: true, seq: 0 });
      }),
    );
    this.client.start();
    const opts = this.s.options;
    this.timers.push(
      setInterval(() => this.presence.beat(this.channels()), opts.heartbeatMs),
      // Between beats too, so a stopped member goes offline soon after the presence timeout, not a beat later.
      setInterval(() => this.presence.expire(), Math.max(250, Math.floor(opts.heartbeatMs / 4))),
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

  /** Settles once the subscription changes asked for so far are done (a test hook: subscriptions have no event). */
  subscriptionsSettled(): Promise<void> {
    return this.subscriptionWork;
  }

  /** The transport's counters (publishes received, frames dropped by reason): tells node losses from the engine's own drops. */
  transportStats(): SlimClientStats {
    return this.client.stats();
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

  /** Seed 000's per-session max_retries and timeout: for one group (by id) when given, else this whole layer, from now on. */
  tune(options: Partial<Pick<SessionOptions, 'maxRetries' | 'ackTimeoutMs'>>, groupId?: string): void {
    if (groupId !== undefined) {
      tuneGroup(this.s.options, groupId, options);
      return;
    }
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
    this.inbound.flush();
    this.pump.close();
    this.inbound.close();
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
      this.engine.requestMissingSecrets();
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

  /**
   * Whether a group's change moves its channel in or out of what we listen to. Most do not (every
   * message received or sent changes the group's last activity): comparing every channel we should
   * hear with what we hear on each of them cost a walk of all our groups per message.
   */
  private listeningChanges(g: GroupView): boolean {
    const id = fromBase64Url(g.groupId);
    if (id === undefined) return true;
    const listen = listensIn(g.myState) || this.archive.has(g.groupId);
    return listen !== this.subscribed.has(groupChannelName(id));
  }

  /** Group channels we listen to: groups we are (joining or) in, and the groups we archive. */
  private channels(): Uint8Array[] {
    const ids = this.engine.channels.listening();
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
}
