import { chmod, copyFile, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import type { KeyWrapper } from '../core/crypto/local-key/key-wrapper.js';
import { openKeyFileWrapper } from '../core/crypto/local-key/key-file-wrapper.js';
import { hasLocalKey } from '../core/crypto/local-key/local-key-file.js';
import { createPassphraseWrapper } from '../core/crypto/local-key/passphrase-wrapper.js';
import { loadSodium } from '../core/crypto/sodium.js';
import { createLogger } from '../core/log/logger.js';
import { legacyWebKeyFilePath, profileKeyFilePath, profilePassphrase, type ProfileKeyOptions } from './profile-key-location.js';

export type { ProfileKeyOptions } from './profile-key-location.js';

const log = createLogger('profile-key');

export interface OpenedProfileKey {
  readonly wrapper: KeyWrapper;
  /** The key file in use (undefined with a passphrase). */
  readonly keyFile: string | undefined;
  /** Where the key file was moved from (the old `kizuna web` layout), when it was. */
  readonly migratedFrom: string | undefined;
  /**
   * Call when opening the profile failed: removes a key file this call created if the profile never
   * came to use it (no local key record), so a failed attempt leaves nothing behind.
   */
  discardIfUnused(): Promise<void>;
}

export async function openProfileKey(options: ProfileKeyOptions): Promise<OpenedProfileKey> {
  await loadSodium();
  const env = options.env ?? process.env;
  const passphrase = profilePassphrase(options);
  if (passphrase !== undefined) {
    return { wrapper: createPassphraseWrapper(passphrase), keyFile: undefined, migratedFrom: undefined, discardIfUnused: async () => undefined };
  }
  if (options.keyFile === '') throw new KizunaError('KEY_PROVIDER_FAILED', 'No passphrase or key file given.');
  const explicit = (options.keyFile ?? env['KIZUNA_KEY_FILE'] ?? '').length > 0;
  const keyFile = profileKeyFilePath(options.dataDir, options.keyFile, env);
  const profileExists = await hasLocalKey(options.dataDir);
  const migratedFrom = !explicit && profileExists ? await migrateLegacyKeyFile(options.dataDir, keyFile) : undefined;
  // Only a new profile gets a new key file: an existing one must find the file it was created with.
  const mayCreate = !profileExists;
  const existed = await exists(keyFile);
  if (!existed && !mayCreate) {
    throw new KizunaError(
      'KEY_PROVIDER_FAILED',
      `No key file at ${keyFile}: this profile was created with another key file (give it with --key-file or KIZUNA_KEY_FILE) or a passphrase (KIZUNA_PASSPHRASE).`,
      { keyFile },
    );
  }
  if (!existed) await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  const wrapper = await openKeyFileWrapper(keyFile, mayCreate);
  return {
    wrapper,
    keyFile,
    migratedFrom,
    async discardIfUnused() {
      if (existed || (await hasLocalKey(options.dataDir))) return;
      await unlink(keyFile).catch(() => undefined);
    },
  };
}

/** The key wrapper alone (see openProfileKey). */
export async function profileKeyWrapper(options: ProfileKeyOptions): Promise<KeyWrapper> {
  return (await openProfileKey(options)).wrapper;
}

/**
 * Moves an old-layout `<dataDir>.key` into the profile folder when the folder has no key file yet,
 * owner-only, and says so once in the log. Returns where it came from, or undefined.
 */
async function migrateLegacyKeyFile(dataDir: string, keyFile: string): Promise<string | undefined> {
  const legacy = legacyWebKeyFilePath(dataDir);
  if ((await exists(keyFile)) || !(await exists(legacy))) return undefined;
  try {
    await rename(legacy, keyFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') {
      throw new KizunaError('KEY_PROVIDER_FAILED', `The key file ${legacy} cannot be moved to ${keyFile}.`, { keyFile }, { cause: err });
    }
    await copyFile(legacy, keyFile);
    await unlink(legacy);
  }
  await chmod(keyFile, 0o600);
  log.info('moved the key file into the profile folder', { from: legacy, to: keyFile });
  return legacy;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
