import { beforeAll, describe, expect, it } from 'vitest';
import { aeadDecrypt, aeadEncrypt } from '../../../../main/core/crypto/aead.js';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { hchacha20, xchachaOpen, xchachaSeal } from '../../../../main/core/crypto/xchacha-node.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/[^0-9a-f]/g, ''), 'hex'));
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('XChaCha20-Poly1305 on node:crypto (the CLI read path)', () => {
  beforeAll(async () => {
    await loadSodium();
  });

  it('HChaCha20 matches the test vector of draft-irtf-cfrg-xchacha §2.2.1', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const nonce = hex('000000090000004a0000000031415927');
    expect(Buffer.from(hchacha20(key, nonce)).toString('hex')).toBe('82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc');
  });

  it('opens what libsodium sealed, and libsodium opens what it sealed', () => {
    for (const size of [0, 1, 32, 63, 64, 65, 1000]) {
      const key = bytes(32, size);
      const plain = bytes(size, 7);
      const ad = bytes(size % 17, 3);
      expect(xchachaOpen(key, aeadEncrypt(key, plain, ad), ad)).toEqual(plain);
      expect(aeadDecrypt(key, xchachaSeal(key, plain, ad), ad)).toEqual(plain);
    }
  });

  it('refuses a wrong key, altered bytes, other associated data and short input', () => {
    const key = bytes(32, 1);
    const ad = bytes(5, 2);
    const sealed = aeadEncrypt(key, bytes(40, 9), ad);
    expect(xchachaOpen(bytes(32, 2), sealed, ad)).toBeUndefined();
    expect(xchachaOpen(key, sealed, bytes(5, 3))).toBeUndefined();
    for (const at of [0, 23, 24, sealed.byteLength - 1]) {
      const bad = new Uint8Array(sealed);
      bad[at] = bad[at]! ^ 1;
      expect(xchachaOpen(key, bad, ad)).toBeUndefined();
    }
    expect(xchachaOpen(key, sealed.subarray(0, 39), ad)).toBeUndefined();
  });
});
