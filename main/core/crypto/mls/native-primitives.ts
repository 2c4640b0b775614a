/**
 * Synchronous primitives for the native MLS crypto provider: SHA-256, HMAC, HKDF and AES-128-GCM from
 * node:crypto (OpenSSL). Each call costs a few microseconds, against 70-200 µs for the same work
 * through WebCrypto's asynchronous interface (measured on the bench machine).
 */
import { createCipheriv, createDecipheriv, createHmac, hash, randomFillSync, timingSafeEqual } from 'node:crypto';

const HASH_LENGTH = 32;
const GCM_TAG_LENGTH = 16;
/** HKDF-Expand's counter byte of T(1). */
const FIRST_BLOCK = Uint8Array.of(1);

/**
 * CSPRNG bytes from OpenSSL. libsodium-wrappers' randombytes_buf costs ~100 µs per call in Node (its
 * WebAssembly build calls back into JS for entropy), ~40x this; an update path at 1,000 members draws
 * one ephemeral key per HPKE encryption, and every application message draws its reuse guard.
 */
export function randomBytes(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}

/** One-shot crypto.hash (Node >= 20.12): about half the cost of a Hash object for the small inputs MLS hashes (tree hash: one per node). */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(hash('sha256', data, 'buffer'));
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

export function hmacSha256Verify(key: Uint8Array, mac: Uint8Array, data: Uint8Array): boolean {
  const expected = hmacSha256(key, data);
  return mac.length === expected.length && timingSafeEqual(mac, expected);
}

/** HKDF-Extract (RFC 5869). An empty salt is HMAC with an all-zero key, as the RFC asks. */
export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmacSha256(salt, ikm);
}

/** HKDF-Expand (RFC 5869) with SHA-256; at most 255 * 32 bytes. */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * HASH_LENGTH) throw new RangeError('HKDF output length out of range');
  // One block (every expand in MLS and HPKE here: 12 to 32 bytes, thousands per commit in ts-mls's secret tree).
  if (length <= HASH_LENGTH) return new Uint8Array(createHmac('sha256', prk).update(info).update(FIRST_BLOCK).digest().subarray(0, length));
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let filled = 0, counter = 1; filled < length; counter++) {
    previous = new Uint8Array(createHmac('sha256', prk).update(previous).update(info).update(Uint8Array.of(counter)).digest());
    out.set(previous.subarray(0, Math.min(HASH_LENGTH, length - filled)), filled);
    filled += HASH_LENGTH;
  }
  return out;
}

/** AES-128-GCM seal: ciphertext || 16-byte tag. */
export function aes128GcmSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-gcm', key, nonce, { authTagLength: GCM_TAG_LENGTH });
  if (aad.length > 0) cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(body.length + final.length + tag.length);
  out.set(body, 0);
  out.set(final, body.length);
  out.set(tag, body.length + final.length);
  return out;
}

/** AES-128-GCM open; throws when the tag does not verify. */
export function aes128GcmOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (sealed.length < GCM_TAG_LENGTH) throw new Error('AEAD ciphertext shorter than its tag');
  const decipher = createDecipheriv('aes-128-gcm', key, nonce, { authTagLength: GCM_TAG_LENGTH });
  decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_LENGTH));
  if (aad.length > 0) decipher.setAAD(aad);
  const body = decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_LENGTH));
  const final = decipher.final();
  const out = new Uint8Array(body.length + final.length);
  out.set(body, 0);
  out.set(final, body.length);
  return out;
}
