import type { ConnectionStatus } from '../../shared/ipc/ipc-contract.js';
import { toKizunaError } from '../../shared/errors/kizuna-error.js';
import type { Engine } from '../core/engine/engine.js';
import { TypedEmitter } from '../core/events/typed-emitter.js';
import { createLogger } from '../core/log/logger.js';
import { SessionLayer } from '../core/session/session-layer.js';
import type { SessionOptions } from '../core/session/session-options.js';
import { EmbeddedNode, type EmbeddedNodeOptions } from './embedded-node.js';
import type { SettingsStore } from './settings-store.js';

const log = createLogger('host.core');

/** How a core reaches SLIM (part of createKizunaCore's options). */
export interface CoreConnectionOptions {
  /** A node to use whatever the settings say (tests, `--node`); otherwise settings decide. */
  nodeEndpoint?: string;
  /** Basic auth for a node that requires it (`--node-auth user:pass`, KIZUNA_NODE_AUTH). */
  nodeAuth?: { username: string; password: string };
  /** Session tuning (timeouts, heartbeats, archive groups). */
  session?: Partial<Omit<SessionOptions, 'endpoint'>>;
  /** Where and how the embedded node runs. */
  embedded?: EmbeddedNodeOptions;
  /** Do not connect at all (an offline profile, e.g. for maintenance). */
  offline?: boolean;
}

export interface CoreConnectionEvents {
  status: ConnectionStatus;
  presence: { groupId: string; userId: string; online: boolean };
}

/**
 * A core's connection to SLIM: which node (the option, else the settings: embedded or remote), the
 * session layer on it, and how it stands. A new session layer replaces the old one when the node
 * setting changes; an embedded node shared with another instance that went away is taken over.
 */
export class CoreConnection {
  readonly events = new TypedEmitter<CoreConnectionEvents>();
  /** The live session layer, once the profile has an identity and a node to talk to. */
  session: SessionLayer | undefined;
  private embedded: EmbeddedNode | undefined;
  private endpoint = '';
  private closed = false;

  constructor(
    private readonly engine: Engine,
    private readonly settings: SettingsStore,
    private readonly options: CoreConnectionOptions,
  ) {}

  status(): ConnectionStatus {
    const mode = this.options.nodeEndpoint !== undefined ? 'remote' : this.settings.get().node.mode;
    const state = this.session?.status() ?? 'offline';
    const err = this.session?.error() ?? null;
    return {
      state,
      node: { mode, endpoint: this.endpoint },
      sync: state === 'syncing' ? (this.session?.syncProgress() ?? null) : null,
      error: err === null ? null : err.toJSON(),
    };
  }

  announce(): void {
    this.events.emit('status', this.status());
  }

  /** Starts a session layer on the node the options or settings name (once there is an identity). */
  async connect(): Promise<void> {
    if (this.closed || this.options.offline === true || this.engine.getIdentity() === null) return;
    await this.chooseNode();
    if (this.endpoint === '') return this.announce();
    const { session, nodeAuth } = this.options;
    const next = new SessionLayer(this.engine, { ...session, endpoint: this.endpoint, ...(nodeAuth === undefined ? {} : { auth: nodeAuth }) });
    next.events.on('status', (state) => {
      this.announce();
      // Sharing another instance's embedded node, which went away: take it over.
      const embedded = this.embedded;
      if (state === 'offline' && embedded !== undefined && !embedded.owner && !this.closed) void embedded.ensure().catch(() => undefined);
    });
    next.events.on('sync', () => this.announce());
    next.events.on('presence', (change) => this.events.emit('presence', change));
    this.session = next;
    next.start();
    this.announce();
  }

  /** The node setting changed: a new session layer on the node it names. */
  async reconnect(): Promise<void> {
    const old = this.session;
    this.session = undefined;
    await old?.close();
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.session?.close();
    this.session = undefined;
    await this.embedded?.stop();
  }

  /** Sets the endpoint: the option's, else the settings' remote node, else the embedded one (started if need be). */
  private async chooseNode(): Promise<void> {
    const node = this.settings.get().node;
    if (this.options.nodeEndpoint !== undefined) this.endpoint = this.options.nodeEndpoint;
    else if (node.mode === 'remote') this.endpoint = node.remoteEndpoint;
    else {
      this.embedded ??= new EmbeddedNode(this.options.embedded);
      this.endpoint = this.embedded.endpoint;
      try {
        await this.embedded.ensure();
      } catch (err) {
        log.warn('embedded node did not start', { reason: toKizunaError(err).code });
      }
    }
  }
}
