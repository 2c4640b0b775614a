import type { ConnectionStatus } from '../../shared/ipc/ipc-contract.js';
import { toKizunaError } from '../../shared/errors/kizuna-error.js';
import type { KeyWrapper } from '../core/crypto/local-key/key-wrapper.js';
import type { IdentityTokens } from '../core/identity/tokens/index.js';
import { Engine } from '../core/engine/engine.js';
import { TypedEmitter } from '../core/events/typed-emitter.js';
import { createLogger } from '../core/log/logger.js';
import { SessionLayer } from '../core/session/session-layer.js';
import type { SessionOptions } from '../core/session/session-options.js';
import { EmbeddedNode, type EmbeddedNodeOptions } from './embedded-node.js';
import type { KizunaCore } from './kizuna-core.js';
import { SettingsStore } from './settings-store.js';

const log = createLogger('host.core');

export interface CoreOptions {
  /** The profile folder (database, keys, files, settings). */
  dataDir: string;
  /** How the local key is protected: passphrase or key file headless, the OS keyring in the app. */
  keyWrapper: KeyWrapper;
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
  /** Identity tokens (JWT, SPIFFE, shared secret) sent with our joins and checked on others'. */
  identityTokens?: IdentityTokens;
}

export interface KizunaCoreWithSession extends KizunaCore {
  /** The live session layer, once the profile has an identity and a node to talk to. */
  session(): SessionLayer | undefined;
}

/**
 * Opens one profile as a KizunaCore: the engine, its settings, and its connection to SLIM: the
 * embedded node (started by whichever instance holds the lock) or a remote node from the settings.
 * Connecting waits for an identity (its SLIM name is what the node routes to us).
 */
export async function createKizunaCore(options: CoreOptions): Promise<KizunaCoreWithSession> {
  const engine = await Engine.open({
    dataDir: options.dataDir,
    keyWrapper: options.keyWrapper,
    ...(options.identityTokens === undefined ? {} : { tokenProvider: options.identityTokens.provider, tokenVerifier: options.identityTokens.verifier }),
  });
  const settings = new SettingsStore(options.dataDir);
  const connection = new TypedEmitter<{ status: ConnectionStatus; presence: { groupId: string; userId: string; online: boolean } }>();
  let session: SessionLayer | undefined;
  let embedded: EmbeddedNode | undefined;
  let endpoint = '';
  let closed = false;

  const status = (): ConnectionStatus => {
    const s = settings.get();
    const mode = options.nodeEndpoint !== undefined ? 'remote' : s.node.mode;
    const state = session?.status() ?? 'offline';
    const err = session?.error() ?? null;
    return { state, node: { mode, endpoint }, sync: state === 'syncing' ? (session?.syncProgress() ?? null) : null, error: err === null ? null : err.toJSON() };
  };
  const announce = (): void => connection.emit('status', status());

  const connect = async (): Promise<void> => {
    if (closed || options.offline === true || engine.getIdentity() === null) return;
    const s = settings.get();
    if (options.nodeEndpoint !== undefined) endpoint = options.nodeEndpoint;
    else if (s.node.mode === 'remote') endpoint = s.node.remoteEndpoint;
    else {
      embedded ??= new EmbeddedNode(options.embedded);
      endpoint = embedded.endpoint;
      try {
        await embedded.ensure();
      } catch (err) {
        log.warn('embedded node did not start', { reason: toKizunaError(err).code });
      }
    }
    if (endpoint === '') return announce();
    const next = new SessionLayer(engine, { ...options.session, endpoint, ...(options.nodeAuth === undefined ? {} : { auth: options.nodeAuth }) });
    next.events.on('status', (state) => {
      announce();
      // Sharing another instance's embedded node, which went away: take it over.
      if (state === 'offline' && embedded !== undefined && !embedded.owner && !closed) void embedded.ensure().catch(() => undefined);
    });
    next.events.on('sync', announce);
    next.events.on('presence', (change) => connection.emit('presence', change));
    session = next;
    next.start();
    announce();
  };

  const reconnect = async (): Promise<void> => {
    const old = session;
    session = undefined;
    await old?.close();
    await connect();
  };

  engine.events.on('identity', () => void connect());
  await connect();

  return {
    engine,
    session: () => session,
    connectionStatus: status,
    onConnection: (listener) => connection.on('status', listener),
    onlineMembers: (groupId) => session?.onlineMembers(groupId) ?? [],
    onPresence: (listener) => connection.on('presence', listener),
    getSettings: () => settings.get(),
    updateSettings: async (patch) => {
      const before = settings.get().node;
      const next = settings.update(patch);
      if (patch.node !== undefined && (patch.node.mode !== before.mode || patch.node.remoteEndpoint !== before.remoteEndpoint)) await reconnect();
      announce();
      return next;
    },
    close: async () => {
      closed = true;
      await session?.close();
      session = undefined;
      await embedded?.stop();
      await engine.close();
      options.identityTokens?.provider.close();
    },
  };
}
