import { join } from 'node:path';
import type { KeyWrapper } from '../core/crypto/local-key/key-wrapper.js';
import { readOnlyKeyFileWrapper, readOnlyPassphraseWrapper } from '../core/crypto/local-key/read-only-key-wrappers.js';
import type { ProfileKeyOptions } from './profile-key.js';

/**
 * profile-key.ts's usual case, for opening an existing profile to read: a passphrase (option or
 * KIZUNA_PASSPHRASE), else the key file (option, KIZUNA_KEY_FILE, or local.key in the folder); no
 * libsodium, nothing created. Anything else (an old key layout to migrate, a missing or wrong key)
 * is left to profile-key.ts: the CLI falls back to the engine's open when this one fails
 * (main/cli/commands/read-commands.ts), so the rules and their errors live there only.
 */
export async function readOnlyProfileKeyWrapper(options: ProfileKeyOptions): Promise<KeyWrapper> {
  const passphrase = options.passphrase ?? process.env['KIZUNA_PASSPHRASE'];
  if (passphrase !== undefined && passphrase.length > 0) return readOnlyPassphraseWrapper(passphrase);
  return readOnlyKeyFileWrapper(options.keyFile ?? process.env['KIZUNA_KEY_FILE'] ?? join(options.dataDir, 'local.key'));
}
