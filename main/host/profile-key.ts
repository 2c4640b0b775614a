import { join } from 'node:path';
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import type { KeyWrapper } from '../core/crypto/local-key/key-wrapper.js';
import { openKeyFileWrapper } from '../core/crypto/local-key/key-file-wrapper.js';
import { createPassphraseWrapper } from '../core/crypto/local-key/passphrase-wrapper.js';
import { loadSodium } from '../core/crypto/sodium.js';

/**
 * How a headless profile (CLI, SDK, bots) protects its local key: a passphrase (KIZUNA_PASSPHRASE or
 * an option), or a key file (default: local.key beside the database, created 0600 on first use;
 * put it elsewhere with KIZUNA_KEY_FILE to keep key and data apart).
 */
export interface ProfileKeyOptions {
  dataDir: string;
  passphrase?: string;
  keyFile?: string;
}

export async function profileKeyWrapper(options: ProfileKeyOptions): Promise<KeyWrapper> {
  await loadSodium();
  const passphrase = options.passphrase ?? process.env['KIZUNA_PASSPHRASE'];
  if (passphrase !== undefined && passphrase.length > 0) return createPassphraseWrapper(passphrase);
  const keyFile = options.keyFile ?? process.env['KIZUNA_KEY_FILE'] ?? join(options.dataDir, 'local.key');
  if (keyFile.length === 0) throw new KizunaError('KEY_PROVIDER_FAILED', 'No passphrase or key file given.');
  return openKeyFileWrapper(keyFile, true);
}
