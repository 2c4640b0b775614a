import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createJwtFileProvider } from '../../../../../main/core/identity/tokens/jwt-file-provider.js';
import { createJwtVerifier } from '../../../../../main/core/identity/tokens/jwt-verifier.js';
import { expectCode } from '../../../../helpers/expect-code.js';
import { issuerKey, makeToken, memberKey, NOW } from './token-test-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'kizuna-jwt-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Waits until `check` holds (the watcher is asynchronous). */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('static JWT file provider (SPIFFE helper style)', () => {
  it('returns the new token after the helper rotates the file in place or by rename, while in use', async () => {
    const issuer = await issuerKey('RS256');
    const key = memberKey();
    const path = join(dir, 'jwt_svid.token');
    let clock = NOW;
    const first = await makeToken(issuer, { key, expIn: 60 });
    writeFileSync(path, first + '\n');
    const provider = createJwtFileProvider({ path, now: () => clock });
    provider.bindSigningKey(key);
    const verifier = createJwtVerifier({ keys: issuer.publicPem, now: () => clock });
    try {
      expect(await provider.token()).toBe(first);
      expect(await provider.token()).toBe(first);
      expect(provider.reads).toBe(1);
      await verifier.verify(await provider.token(), { signingKey: key });

      // Rotation by atomic rename (what spiffe-helper does).
      const second = await makeToken(issuer, { key, expIn: 120 });
      writeFileSync(join(dir, 'tmp.token'), second);
      renameSync(join(dir, 'tmp.token'), path);
      await eventually(async () => (await provider.token()) === second);

      // Rotation in place.
      const third = await makeToken(issuer, { key, expIn: 180, extra: { n: 3 } });
      writeFileSync(path, third);
      await eventually(async () => (await provider.token()) === third);

      // Short-lived tokens keep working across rotation: the old one expires, the file already holds the next.
      clock = NOW + 170_000;
      await verifier.verify(await provider.token(), { signingKey: key });
    } finally {
      provider.close();
    }
  });

  it('re-reads on expiry even without a watcher, and says TOKEN_EXPIRED when the file was not renewed', async () => {
    const issuer = await issuerKey('ES256');
    const key = memberKey();
    const path = join(dir, 'unwatched.token');
    let clock = NOW;
    writeFileSync(path, await makeToken(issuer, { key, expIn: 30 }));
    const provider = createJwtFileProvider({ path, now: () => clock, watch: false });
    provider.bindSigningKey(key);
    await provider.token();
    const readsBefore = provider.reads;
    clock = NOW + 31_000;
    await expectCode(provider.token(), 'TOKEN_EXPIRED');
    expect(provider.reads).toBeGreaterThan(readsBefore);
    const renewed = await makeToken(issuer, { key, expIn: 90 });
    writeFileSync(path, renewed);
    expect(await provider.token()).toBe(renewed);
    provider.close();
  });

  it('refuses a missing, empty, non-JWT or someone else’s token file', async () => {
    const issuer = await issuerKey('EdDSA');
    const path = join(dir, 'bad.token');
    const provider = createJwtFileProvider({ path, now: () => NOW, watch: false });
    provider.bindSigningKey(memberKey());
    await expectCode(provider.token(), 'TOKEN_MISSING');
    writeFileSync(path, '  \n');
    await expectCode(provider.token(), 'TOKEN_MISSING');
    writeFileSync(path, 'hello');
    await expectCode(provider.token(), 'TOKEN_MALFORMED');
    writeFileSync(path, await makeToken(issuer, { key: memberKey() }));
    await expectCode(provider.token(), 'TOKEN_KEY_MISMATCH');
    provider.close();
  });
});
