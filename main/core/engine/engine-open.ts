import { join } from 'node:path';
import { createAtRestCipher } from '../crypto/at-rest-cipher.js';
import type { KeyWrapper } from '../crypto/local-key/key-wrapper.js';
import { loadOrCreateLocalKey } from '../crypto/local-key/local-key-file.js';
import { loadSodium } from '../crypto/sodium.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import type { IdentityTokenProvider, IdentityTokenVerifier } from '../identity/tokens/token-types.js';
import { createSelfHolder, type EngineContext } from '../kernel/engine-context.js';
import type { EngineEvents } from '../kernel/engine-events.js';
import { KeyedMutex } from '../kernel/keyed-mutex.js';
import { MlsStates } from '../kernel/mls-states.js';
import { lockProfile, type ProfileLock } from '../kernel/profile-lock.js';
import { createLogger, type Logger } from '../log/logger.js';
import { deriveDatabaseKey } from '../store/database-cipher.js';
import { FileVault } from '../store/file-vault.js';
import { secureProfileDir } from '../store/profile-permissions.js';
import { openStore, type Store } from '../store/store.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { CheckedSignatures } from '../envelopes/checked-signatures.js';

export interface EngineOptions {
  /** The profile folder: kizuna.db, local-key.json, files/. Created if missing. */
  dataDir: string;
  /** How the local key is protected (passphrase, key file, OS keyring). */
  keyWrapper: KeyWrapper;
  now?: () => number;
  logger?: Logger;
  /** Identity token presented in our JOINs (default: none, the local key is the identity). */
  tokenProvider?: IdentityTokenProvider;
  /** Checks the tokens of people who join our groups and of members the admin announces (default: none). */
  tokenVerifier?: IdentityTokenVerifier;
}

/**
 * Opens one profile's folder for an engine: owner-only folder, the profile lock, the local key, the
 * encrypted store and file vault, and the context every module works on. The lock is released again
 * if anything after it fails, so a failed open leaves the profile free.
 */
export async function openEngineContext(options: EngineOptions): Promise<{ ctx: EngineContext; lock: ProfileLock; checkpoints: WalCheckpointer }> {
  await loadSodium();
  secureProfileDir(options.dataDir);
  const lock = lockProfile(options.dataDir);
  let store: Store;
  let cipher: ReturnType<typeof createAtRestCipher>;
  let checkpoints: WalCheckpointer;
  try {
    const { key } = await loadOrCreateLocalKey(options.dataDir, options.keyWrapper);
    cipher = createAtRestCipher(key);
    const path = join(options.dataDir, 'kizuna.db');
    const databaseKey = deriveDatabaseKey(key);
    store = openStore(path, cipher, databaseKey);
    checkpoints = new WalCheckpointer(store.db, path, databaseKey);
    // Wakes the checkpoint worker from its idle sleep (writes outside the Store wait for the next one of these).
    store.onCommit(checkpoints.noteCommit);
  } catch (err) {
    lock.release();
    throw err;
  }
  const holder = createSelfHolder();
  const ctx: EngineContext = {
    store,
    events: new TypedEmitter<EngineEvents>(),
    log: options.logger ?? createLogger('engine'),
    now: options.now ?? Date.now,
    dataDir: options.dataDir,
    groupLocks: new KeyedMutex(),
    mlsStates: new MlsStates(store, holder.self),
    checkedSignatures: new CheckedSignatures(),
    files: new FileVault(options.dataDir, cipher),
    identityTokens: {
      ...(options.tokenProvider === undefined ? {} : { provider: options.tokenProvider }),
      ...(options.tokenVerifier === undefined ? {} : { verifier: options.tokenVerifier }),
    },
    ...holder,
  };
  return { ctx, lock, checkpoints };
}
