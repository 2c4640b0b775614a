import { getCiphers, randomFillSync } from 'node:crypto';
import { bytesEqual, concatBytes } from '../encoding/base64url.js';
import { sodium } from './sodium.js';
import { xchachaOpen, xchachaSeal } from './xchacha-node.js';

/** XChaCha20-Poly1305 (IETF) with a random 24-byte nonce prepended to the ciphertext. */
const AEAD_NONCE_BYTES = 24;
const AEAD_TAG_BYTES = 16;

function sodiumSeal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  const s = sodium();
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData, null, nonce, key);
  return concatBytes(nonce, ciphertext);
}

function sodiumOpen(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array | undefined {
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

/**
 * Whether the runtime's own crypto does this AEAD, byte for byte as libsodium does (issue 13: an MLS
 * state sealed on every send cost ~5× more through libsodium's WebAssembly than through OpenSSL).
 * Node's OpenSSL has chacha20-poly1305; Electron's BoringSSL build may not, and then libsodium stays.
 * Decided once, by sealing with each and opening with the other.
 */
let nativeChecked: boolean | undefined;
function nativeWorks(): boolean {
  if (nativeChecked !== undefined) return nativeChecked;
  try {
    if (!getCiphers().includes('chacha20-poly1305')) return (nativeChecked = false);
    const key = randomBytes(32);
    const plain = randomBytes(67);
    const ad = randomBytes(9);
    const byNative = sodiumOpen(key, xchachaSeal(key, plain, ad), ad);
    const bySodium = xchachaOpen(key, sodiumSeal(key, plain, ad), ad);
    nativeChecked = byNative !== undefined && bySodium !== undefined && bytesEqual(byNative, plain) && bytesEqual(bySodium, plain);
  } catch {
    nativeChecked = false;
  }
  return nativeChecked;
}

/** Which implementation seals and opens (for tests and diagnostics). */
export function aeadImplementation(): 'native' | 'libsodium' {
  return nativeWorks() ? 'native' : 'libsodium';
}

export function aeadEncrypt(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  return nativeWorks() ? xchachaSeal(key, plaintext, associatedData) : sodiumSeal(key, plaintext, associatedData);
}

/** Returns undefined when the key is wrong, the data altered, or the associated data differs. */
export function aeadDecrypt(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array | undefined {
  if (sealed.byteLength < AEAD_NONCE_BYTES + AEAD_TAG_BYTES) return undefined;
  return nativeWorks() ? xchachaOpen(key, sealed, associatedData) : sodiumOpen(key, sealed, associatedData);
}

/**
 * CSPRNG bytes from the runtime's crypto (OpenSSL's generator in Node, BoringSSL's in Electron), as the
 * MLS provider draws them (native-primitives.ts). libsodium-wrappers' randombytes_buf cost 50-200 µs a
 * call (its WebAssembly calls back into JS for entropy) against a few µs here, and every unsequenced
 * envelope (each ack) draws its nonce through this (issue 13).
 */
export function randomBytes(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}
