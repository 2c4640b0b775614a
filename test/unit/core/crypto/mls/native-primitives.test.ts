/**
 * The native provider's hash and HKDF against OpenSSL's own HKDF and Hash objects, on every output
 * length around the one-block fast path of hkdfExpand (1 to 3 blocks, and none).
 */
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hkdfExpand, hkdfExtract, sha256 } from '../../../../../main/core/crypto/mls/native-primitives.js';

const hex = (b: Uint8Array | ArrayBuffer): string => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');

describe('native primitives', () => {
  it('HKDF extract + expand give what OpenSSL HKDF gives, for every length from 0 to 100 bytes', () => {
    const ikm = randomBytes(40);
    const salt = randomBytes(13);
    const info = randomBytes(57);
    const prk = hkdfExtract(salt, ikm);
    for (let length = 0; length <= 100; length++) {
      expect(hex(hkdfExpand(prk, info, length))).toBe(hex(length === 0 ? new Uint8Array(0) : hkdfSync('sha256', ikm, salt, info, length)));
    }
  });

  it('SHA-256 gives what a Hash object gives', () => {
    for (const length of [0, 1, 55, 56, 64, 1000]) {
      const data = randomBytes(length);
      expect(hex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
});
