import type { KeyWrapper } from '../core/crypto/local-key/key-wrapper.js';
import type { IdentityTokens } from '../core/identity/tokens/index.js';
import { Engine } from '../core/engine/engine.js';
import type { SessionLayer } from '../core/session/session-layer.js';
import { toGrpcTarget } from '../core/transport/slim-endpoint.js';
import { CoreConnection, type CoreConnectionOptions } from './core-connection.js';
import type { KizunaCore } from './kizuna-core.js';
import { SettingsStore } from './settings-store.js';
import { SlimSessionsHost } from './slim-sessions/slim-sessions-host.js';

export interface CoreOptions extends CoreConnectionOptions {
  /** The profile folder (database, keys, files, settings). */
  dataDir: string;
  /** How the local key is protected: passphrase or key file headless, the OS keyring in the app. */
  keyWrapper: KeyWrapper;
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
  // With a token provider, discovery answers carry our token so askers can verify our name (issue 8, class 7).
  const provider = options.identityTokens?.provider;
  const discoveryToken =
    provider === undefined || provider.kind === 'local'
      ? undefined
      : async (): Promise<string> => {
          const self = engine.getIdentity();
          if (self === null) return '';
          provider.bindSigningKey(Buffer.from(self.userId, 'base64url'));
          return provider.token();
        };
  const connection = new CoreConnection(engine, settings, discoveryToken === undefined ? options : { ...options, session: { ...options.session, discoveryToken } });
  engine.events.on('identity', () => void connection.connect());
  await connection.connect();
  // SLIM sessions use the node the core uses, once it has one (and again after the node changed).
  const slimSessions = new SlimSessionsHost({
    dataDir: options.dataDir,
    nodeEndpoint: () => (connection.status().state === 'offline' ? '' : connection.status().node.endpoint),
    ...(options.nodeAuth === undefined ? {} : { nodeAuth: options.nodeAuth }),
  });
  connection.events.on('status', (status) => {
    if (status.state === 'online') void slimSessions.ensureStarted();
  });
  void slimSessions.ensureStarted();

  return {
    engine,
    session: () => connection.session,
    connectionStatus: () => connection.status(),
    onConnection: (listener) => connection.events.on('status', listener),
    onlineMembers: (groupId) => connection.session?.onlineMembers(groupId) ?? [],
    onPresence: (listener) => connection.events.on('presence', listener),
    getSettings: () => settings.get(),
    slimSessions,
    updateSettings: async (patch) => {
      const before = settings.get().node;
      // A remote address that cannot parse is refused before it is saved (NODE_ADDRESS_INVALID).
      if (patch.node?.mode === 'remote') toGrpcTarget(patch.node.remoteEndpoint);
      const next = settings.update(patch);
      if (patch.node !== undefined && (patch.node.mode !== before.mode || patch.node.remoteEndpoint !== before.remoteEndpoint)) await connection.reconnect();
      connection.announce();
      return next;
    },
    close: async () => {
      await slimSessions.close();
      await connection.close();
      await engine.close();
      options.identityTokens?.provider.close();
    },
  };
}
