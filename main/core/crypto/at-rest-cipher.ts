import { utf8 } from '../encoding/base64url.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { aeadDecrypt, aeadEncrypt } from './aead.js';

/**
 * Encrypts secrets at rest (private keys, group secrets, MLS state, file bytes) with the local key.
 * Each blob is bound to a label naming where it lives, so a blob cannot be moved into another
 * column or row and still open.
 */
export interface AtRestCipher {
  seal(label: string, plaintext: Uint8Array): Uint8Array;
  open(label: string, sealed: Uint8Array): Uint8Array;
}

export function createAtRestCipher(localKey: Uint8Array): AtRestCipher {
  if (localKey.byteLength !== 32) throw new KizunaError('KEY_PROVIDER_FAILED', 'The local key must be 32 bytes.');
  const key = new Uint8Array(localKey);
  return {
    seal: (label, plaintext) => aeadEncrypt(key, plaintext, utf8(label)),
    open: (label, sealed) => {
      const plain = aeadDecrypt(key, sealed, utf8(label));
      if (plain === undefined) throw new KizunaError('STORE_WRONG_KEY', undefined, { label });
      return plain;
    },
  };
}
