import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

/**
 * XChaCha20-Poly1305 (IETF) on Node's own crypto, byte for byte what libsodium makes (a random
 * 24-byte nonce, then ciphertext and tag). The CLI's read-only commands open a profile with it without
 * loading libsodium's WebAssembly (a fifth of their start time), and aead.ts uses it wherever the
 * runtime's crypto has chacha20-poly1305 (Node's OpenSSL; Electron's BoringSSL may not, and then
 * aead.ts stays on libsodium). test/unit/core/crypto/xchacha-node.test.ts checks it against libsodium.
 */
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

function rotl(v: number, n: number): number {
  return (v << n) | (v >>> (32 - n));
}

function quarterRound(s: Uint32Array, a: number, b: number, c: number, d: number): void {
  s[a] = (s[a]! + s[b]!) | 0;
  s[d] = rotl(s[d]! ^ s[a]!, 16);
  s[c] = (s[c]! + s[d]!) | 0;
  s[b] = rotl(s[b]! ^ s[c]!, 12);
  s[a] = (s[a]! + s[b]!) | 0;
  s[d] = rotl(s[d]! ^ s[a]!, 8);
  s[c] = (s[c]! + s[d]!) | 0;
  s[b] = rotl(s[b]! ^ s[c]!, 7);
}

/** HChaCha20 (draft-irtf-cfrg-xchacha §2.2): the subkey for the first 16 bytes of the nonce. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const k = new DataView(key.buffer, key.byteOffset, 32);
  const n = new DataView(nonce16.buffer, nonce16.byteOffset, 16);
  const s = new Uint32Array(16);
  s.set(SIGMA, 0);
  for (let i = 0; i < 8; i++) s[4 + i] = k.getUint32(i * 4, true);
  for (let i = 0; i < 4; i++) s[12 + i] = n.getUint32(i * 4, true);
  for (let i = 0; i < 10; i++) {
    quarterRound(s, 0, 4, 8, 12);
    quarterRound(s, 1, 5, 9, 13);
    quarterRound(s, 2, 6, 10, 14);
    quarterRound(s, 3, 7, 11, 15);
    quarterRound(s, 0, 5, 10, 15);
    quarterRound(s, 1, 6, 11, 12);
    quarterRound(s, 2, 7, 8, 13);
    quarterRound(s, 3, 4, 9, 14);
  }
  const out = new Uint8Array(32);
  const o = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) {
    o.setUint32(i * 4, s[i]!, true);
    o.setUint32(16 + i * 4, s[12 + i]!, true);
  }
  return out;
}

/** The ChaCha20-Poly1305 key and 12-byte nonce an XChaCha20 nonce stands for. */
function expand(key: Uint8Array, nonce: Uint8Array): { subkey: Uint8Array; iv: Uint8Array } {
  if (key.byteLength !== 32) throw new RangeError('XChaCha20-Poly1305 keys are 32 bytes');
  const iv = new Uint8Array(12);
  iv.set(nonce.subarray(16, 24), 4);
  return { subkey: hchacha20(key, nonce.subarray(0, 16)), iv };
}

export function xchachaSeal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  // Nonce, ciphertext and tag written into one buffer: the nonce drawn in place (a CSPRNG, not a pool).
  const sealed = new Uint8Array(NONCE_BYTES + plaintext.byteLength + TAG_BYTES);
  const nonce = randomFillSync(sealed, 0, NONCE_BYTES).subarray(0, NONCE_BYTES);
  const { subkey, iv } = expand(key, nonce);
  const cipher = createCipheriv('chacha20-poly1305', subkey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData, { plaintextLength: plaintext.byteLength });
  let at = NONCE_BYTES;
  for (const part of [cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) {
    sealed.set(part, at);
    at += part.byteLength;
  }
  return sealed;
}

/** Undefined when the key is wrong, the data altered, or the associated data differs (as aeadDecrypt). */
export function xchachaOpen(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array | undefined {
  if (sealed.byteLength < NONCE_BYTES + TAG_BYTES) return undefined;
  const { subkey, iv } = expand(key, sealed.subarray(0, NONCE_BYTES));
  const body = sealed.subarray(NONCE_BYTES, sealed.byteLength - TAG_BYTES);
  try {
    const decipher = createDecipheriv('chacha20-poly1305', subkey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData, { plaintextLength: body.byteLength });
    decipher.setAuthTag(sealed.subarray(sealed.byteLength - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
  } catch {
    return undefined;
  }
}
