import { beforeAll, describe, expect, it } from 'vitest';
import { aeadDecrypt, aeadEncrypt, aeadImplementation, randomBytes } from '../../../../main/core/crypto/aead.js';
import { loadSodium, sodium } from '../../../../main/core/crypto/sodium.js';

const NONCE = 24;

describe('aead (XChaCha20-Poly1305, native where the runtime has it)', () => {
  beforeAll(async () => {
    await loadSodium();
  });

  it('runs on Node’s own crypto here (Node’s OpenSSL has chacha20-poly1305)', () => {
    expect(aeadImplementation()).toBe('native');
  });

  it('seals what libsodium opens, and opens what libsodium seals, for sizes around block edges', () => {
    const s = sodium();
    const key = s.randombytes_buf(32);
    for (const size of [0, 1, 63, 64, 65, 4096, 20_001]) {
      const plain = s.randombytes_buf(size);
      const ad = s.randombytes_buf(size % 13);
      const sealed = aeadEncrypt(key, plain, ad);
      expect(s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed.subarray(NONCE), ad, sealed.subarray(0, NONCE), key)).toEqual(plain);
      const nonce = s.randombytes_buf(NONCE);
      const bySodium = new Uint8Array([...nonce, ...s.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad, null, nonce, key)]);
      expect(aeadDecrypt(key, bySodium, ad)).toEqual(plain);
    }
  });

  it('refuses a wrong key, other associated data, any flipped byte and short input', () => {
    const s = sodium();
    const key = s.randombytes_buf(32);
    const plain = s.randombytes_buf(100);
    const ad = new TextEncoder().encode('mls-state:g:1');
    const sealed = aeadEncrypt(key, plain, ad);
    expect(aeadDecrypt(s.randombytes_buf(32), sealed, ad)).toBeUndefined();
    expect(aeadDecrypt(key, sealed, new TextEncoder().encode('mls-state:g:2'))).toBeUndefined();
    for (const i of [0, NONCE, sealed.byteLength - 1]) {
      const bad = new Uint8Array(sealed);
      bad[i] = bad[i]! ^ 1;
      expect(aeadDecrypt(key, bad, ad)).toBeUndefined();
    }
    expect(aeadDecrypt(key, sealed.subarray(0, NONCE + 15), ad)).toBeUndefined();
  });

  it('never repeats a nonce', () => {
    const key = sodium().randombytes_buf(32);
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++) nonces.add(Buffer.from(aeadEncrypt(key, new Uint8Array(1), new Uint8Array(0)).subarray(0, NONCE)).toString('hex'));
    expect(nonces.size).toBe(1000);
  });

  it('draws random bytes of the length asked, fresh each time (envelope nonces, keys, salts)', () => {
    for (const n of [0, 1, 16, 24, 32, 1000]) {
      const b = randomBytes(n);
      expect(b).toBeInstanceOf(Uint8Array);
      expect(b.byteLength).toBe(n);
    }
    const drawn = new Set<string>();
    for (let i = 0; i < 1000; i++) drawn.add(Buffer.from(randomBytes(16)).toString('hex'));
    expect(drawn.size).toBe(1000);
    // Filled, not a zeroed buffer handed back: 1,000 bytes with every bit position seen both ways.
    const big = randomBytes(1000);
    expect(big.reduce((a, x) => a | x, 0)).toBe(0xff);
    expect(big.reduce((a, x) => a & x, 0xff)).toBe(0);
  });
});
