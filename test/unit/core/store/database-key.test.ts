import { beforeAll, describe, expect, it } from 'vitest';
import { blake2b256 } from '../../../../main/core/crypto/hash.js';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { utf8 } from '../../../../main/core/encoding/base64url.js';
import { deriveDatabaseKey } from '../../../../main/core/store/database-cipher.js';

describe('deriveDatabaseKey', () => {
  beforeAll(async () => {
    await loadSodium();
  });

  it('is libsodium BLAKE2b-256 of label and key (existing profiles keep opening)', () => {
    for (let seed = 0; seed < 20; seed++) {
      const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + seed * 7) & 0xff);
      expect(deriveDatabaseKey(key)).toEqual(blake2b256(utf8('kizuna sqlite page key v1'), key));
    }
  });
});
