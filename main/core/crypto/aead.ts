import { concatBytes } from '../encoding/base64url.js';
import { sodium } from './sodium.js';

/** XChaCha20-Poly1305 (IETF) with a random 24-byte nonce prepended to the ciphertext. */
const AEAD_NONCE_BYTES = 24;
const AEAD_TAG_BYTES = 16;

export function aeadEncrypt(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  const s = sodium();
  const nonce = s.randombytes_buf(AEAD_NONCE_BYTES);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData, null, nonce, key);
  return concatBytes(nonce, ciphertext);
}

/** Returns undefined when the key is wrong, the data altered, or the associated data differs. */
export function aeadDecrypt(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array | undefined {
  if (sealed.byteLength < AEAD_NONCE_BYTES + AEAD_TAG_BYTES) return undefined;
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(AEAD_NONCE_BYTES),
      associatedData,
      sealed.subarray(0, AEAD_NONCE_BYTES),
      key,
    );
  } catch {
    return undefined;
  }
}

export function randomBytes(length: number): Uint8Array {
  return sodium().randombytes_buf(length);
}
