import { join, resolve } from 'node:path';

/*
 * Where a headless profile's key is: the one rule every host follows (CLI, SDK, `kizuna web`, and the
 * CLI's read-only path). Kept apart from profile-key.ts, which opens and creates keys with libsodium,
 * so the read-only path can follow the same rule without loading it.
 */

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

/** The passphrase that protects the profile (option, else KIZUNA_PASSPHRASE), if one is set. */
export function profilePassphrase(options: ProfileKeyOptions): string | undefined {
  const passphrase = options.passphrase ?? (options.env ?? process.env)['KIZUNA_PASSPHRASE'];
  return passphrase !== undefined && passphrase.length > 0 ? passphrase : undefined;
}
