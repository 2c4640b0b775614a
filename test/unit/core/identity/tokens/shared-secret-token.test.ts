import { describe, expect, it } from 'vitest';
import { createSharedSecretProvider, createSharedSecretVerifier } from '../../../../../main/core/identity/tokens/shared-secret-token.js';
import { toBase64Url } from '../../../../../main/core/encoding/base64url.js';
import { expectCode } from '../../../../helpers/expect-code.js';
import { memberKey, NOW } from './token-test-kit.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';

describe('shared-secret identity tokens', () => {
  it('mints tokens that bind the signing key and verify with the same secret', async () => {
    const key = memberKey();
    const provider = createSharedSecretProvider({ id: 'org/ns/alice', secret: SECRET, now: () => NOW });
    provider.bindSigningKey(key);
    const token = await provider.token();
    expect(token.split(':')).toHaveLength(5);
    expect(token).not.toContain(SECRET);
    const verifier = createSharedSecretVerifier({ secret: SECRET, now: () => NOW + 1000 });
    const identity = await verifier.verify(token, { signingKey: key });
    expect(identity).toEqual({ issuer: 'shared-secret', subject: 'org/ns/alice', audience: [], expiresAt: NOW + 3600_000, kind: 'shared-secret' });
    // Each token is fresh (new nonce).
    expect(await provider.token()).not.toBe(token);
  });

  it('names the user id when no id is configured', async () => {
    const key = memberKey();
    const provider = createSharedSecretProvider({ secret: SECRET, now: () => NOW });
    provider.bindSigningKey(key);
    const identity = await createSharedSecretVerifier({ secret: SECRET, now: () => NOW }).verify(await provider.token(), { signingKey: key });
    expect(identity.subject).toBe(toBase64Url(key));
  });

  it('refuses secrets shorter than 32 bytes on both sides', async () => {
    await expectCode(() => createSharedSecretProvider({ id: 'a', secret: 'x'.repeat(31) }), 'SHARED_SECRET_TOO_SHORT');
    await expectCode(() => createSharedSecretVerifier({ secret: 'short' }), 'SHARED_SECRET_TOO_SHORT');
    // 32 bytes of UTF-8 (fewer characters) is enough.
    expect(() => createSharedSecretVerifier({ secret: 'é'.repeat(16) })).not.toThrow();
  });

  it('refuses a token without a bound key', async () => {
    await expectCode(createSharedSecretProvider({ id: 'a', secret: SECRET }).token(), 'TOKEN_MISSING');
  });

  describe('refusals', () => {
    const key = memberKey();
    const mint = async (at: number, secret = SECRET, k = key): Promise<string> => {
      const p = createSharedSecretProvider({ id: 'org/ns/alice', secret, now: () => at });
      p.bindSigningKey(k);
      return p.token();
    };
    const verifier = createSharedSecretVerifier({ secret: SECRET, now: () => NOW });

    it('another secret → TOKEN_BAD_SIGNATURE', async () => {
      await expectCode(verifier.verify(await mint(NOW, 'another-shared-secret-of-32-bytes-or-more'), { signingKey: key }), 'TOKEN_BAD_SIGNATURE');
    });
    it('a tampered field → TOKEN_BAD_SIGNATURE', async () => {
      const parts = (await mint(NOW)).split(':');
      parts[0] = 'org/ns/mallory';
      await expectCode(verifier.verify(parts.join(':'), { signingKey: key }), 'TOKEN_BAD_SIGNATURE');
    });
    it('older than the validity window → TOKEN_EXPIRED', async () => {
      await expectCode(verifier.verify(await mint(NOW - 3601_000), { signingKey: key }), 'TOKEN_EXPIRED');
    });
    it('issued in the future beyond the skew → TOKEN_NOT_YET_VALID', async () => {
      await expectCode(verifier.verify(await mint(NOW + 60_000), { signingKey: key }), 'TOKEN_NOT_YET_VALID');
      await verifier.verify(await mint(NOW + 4_000), { signingKey: key });
    });
    it('someone else’s key → TOKEN_KEY_MISMATCH', async () => {
      await expectCode(verifier.verify(await mint(NOW), { signingKey: memberKey() }), 'TOKEN_KEY_MISMATCH');
    });
    it('checks validity at a given moment', async () => {
      const old = await mint(NOW - 3000_000);
      await expectCode(verifier.verify(old, { signingKey: key, at: NOW + 1000_000 }), 'TOKEN_EXPIRED');
      await verifier.verify(old, { signingKey: key, at: NOW - 2000_000 });
    });
    it.each([
      ['empty', ''],
      ['four fields', 'a:1:b:c'],
      ['six fields', 'a:1:b:c:d:e'],
      ['bad time', 'a:soon:AAAAAAAAAAAAAAAA:e30:' + 'A'.repeat(43)],
      ['bad nonce', 'a:1:xx:e30:' + 'A'.repeat(43)],
      ['bad mac', 'a:1:AAAAAAAAAAAAAAAA:e30:short'],
      ['a JWT', 'eyJhbGciOiJub25lIn0.e30.'],
    ])('%s → TOKEN_MALFORMED (or TOKEN_MISSING when empty)', async (label, token) => {
      await expectCode(verifier.verify(token, { signingKey: key }), label === 'empty' ? 'TOKEN_MISSING' : 'TOKEN_MALFORMED');
    });
  });
});
