import { KizunaError } from '../../shared/errors/kizuna-error.js';
import type { KeyWrapper } from '../core/crypto/local-key/key-wrapper.js';
import { readOnlyKeyFileWrapper, readOnlyPassphraseWrapper } from '../core/crypto/local-key/read-only-key-wrappers.js';
import { profileKeyFilePath, profilePassphrase, type ProfileKeyOptions } from './profile-key-location.js';

/**
 * profile-key.ts's usual case, for opening an existing profile to read: a passphrase (option or
 * KIZUNA_PASSPHRASE), else the key file (option, KIZUNA_KEY_FILE, or local.key in the folder); no
 * libsodium, nothing created. Anything else (an old key layout to migrate, a missing or wrong key)
 * is left to profile-key.ts: the CLI falls back to the engine's open when this one fails
 * (main/cli/commands/read-commands.ts), so the rules and their errors live there only.
 */
export async function readOnlyProfileKeyWrapper(options: ProfileKeyOptions): Promise<KeyWrapper> {
  const passphrase = profilePassphrase(options);
  if (passphrase !== undefined) return readOnlyPassphraseWrapper(passphrase);
  // profile-key.ts refuses an empty key file option with its own error: leave that to it.
  if (options.keyFile === '') throw new KizunaError('KEY_PROVIDER_FAILED', 'No passphrase or key file given.');
  return readOnlyKeyFileWrapper(profileKeyFilePath(options.dataDir, options.keyFile, options.env));
}
