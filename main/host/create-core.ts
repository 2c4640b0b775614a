import type { ConnectionStatus } from '../../shared/ipc/ipc-contract.js';
import type { KeyWrapper } from '../core/crypto/local-key/key-wrapper.js';
import { Engine } from '../core/engine/engine.js';
import { TypedEmitter } from '../core/events/typed-emitter.js';
import type { KizunaCore } from './kizuna-core.js';
import { SettingsStore } from './settings-store.js';

export interface CoreOptions {
  /** The profile folder (database, keys, files, settings). */
  dataDir: string;
  /** How the local key is protected: passphrase or key file headless, the OS keyring in the app. */
  keyWrapper: KeyWrapper;
}

/**
 * Opens one profile as a KizunaCore. The connection to SLIM (embedded node or remote) is the
 * session layer's; until it is attached the core reports itself offline and works from its store.
 */
export async function createKizunaCore(options: CoreOptions): Promise<KizunaCore> {
  const engine = await Engine.open({ dataDir: options.dataDir, keyWrapper: options.keyWrapper });
  const settings = new SettingsStore(options.dataDir);
  const connection = new TypedEmitter<{ status: ConnectionStatus }>();
  const status = (): ConnectionStatus => {
    const s = settings.get();
    return {
      state: 'offline',
      node: { mode: s.node.mode, endpoint: s.node.mode === 'remote' ? s.node.remoteEndpoint : '' },
      sync: null,
      error: null,
    };
  };
  return {
    engine,
    connectionStatus: status,
    onConnection: (listener) => connection.on('status', listener),
    getSettings: () => settings.get(),
    updateSettings: async (patch) => {
      const next = settings.update(patch);
      connection.emit('status', status());
      return next;
    },
    close: () => engine.close(),
  };
}
