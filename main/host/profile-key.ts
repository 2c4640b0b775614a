import { chmod, copyFile, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import type { KeyWrapper } from '../core/crypto/local-key/key-wrapper.js';
import { openKeyFileWrapper } from '../core/crypto/local-key/key-file-wrapper.js';
import { hasLocalKey } from '../core/crypto/local-key/local-key-file.js';
import { createPassphraseWrapper } from '../core/crypto/local-key/passphrase-wrapper.js';
import { loadSodium } from '../core/crypto/sodium.js';
import { createLogger } from '../core/log/logger.js';

const log = createLogger('profile-key');

/** The key file's name inside the profile folder: the one rule every headless host (CLI, SDK, `kizuna web`) follows. */
export const PROFILE_KEY_FILE = 'local.key';

/**
 * How a headless profile (CLI, SDK, bots, `kizuna web`) protects its local key: a passphrase
 * (KIZUNA_PASSPHRASE or an option), or a key file (default: `<dataDir>/local.key`, created 0600 when
 * the profile is new; put it elsewhere with KIZUNA_KEY_FILE to keep key and data apart).
 */
export interface ProfileKeyOptions {
  dataDir: string;
  passphrase?: string;
  keyFile?: string;
  /** Where the variables come from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

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

/** The key file a profile uses: the one given, else KIZUNA_KEY_FILE, else `<dataDir>/local.key`. */
export function profileKeyFilePath(dataDir: string, keyFile?: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = keyFile ?? env['KIZUNA_KEY_FILE'];
  if (given !== undefined && given.length > 0) return resolve(given);
  return join(resolve(dataDir), PROFILE_KEY_FILE);
}

/** Where `kizuna web` kept the key before the one rule: beside the folder, `<dataDir>.key`. */
export function legacyWebKeyFilePath(dataDir: string): string {
  return `${resolve(dataDir)}.key`;
}

export async function openProfileKey(options: ProfileKeyOptions): Promise<OpenedProfileKey> {
  await loadSodium();
  const env = options.env ?? process.env;
  const passphrase = options.passphrase ?? env['KIZUNA_PASSPHRASE'];
  if (passphrase !== undefined && passphrase.length > 0) {
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
