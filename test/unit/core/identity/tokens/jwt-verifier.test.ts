import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createJwtVerifier } from '../../../../../main/core/identity/tokens/jwt-verifier.js';
import { toBase64Url } from '../../../../../main/core/encoding/base64url.js';
import { expectCode } from '../../../../helpers/expect-code.js';
import { issuerKey, makeToken, memberKey, NOW, spireBundle, type TestAlg } from './token-test-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'kizuna-jwt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = (): number => NOW;

describe.each<TestAlg>(['RS256', 'ES256', 'EdDSA'])('JWT identity tokens signed with %s', (alg) => {
  it('verifies against a PEM public key, a JWK and a JWKS, and reports the identity', async () => {
    const issuer = await issuerKey(alg);
    const key = memberKey();
    const token = await makeToken(issuer, { key, sub: 'spiffe://example.org/ns/team/sa/alice', aud: ['kizuna', 'other'] });
    for (const keys of [issuer.publicPem, JSON.stringify(issuer.publicJwk), JSON.stringify({ keys: [issuer.publicJwk] })]) {
      const verifier = createJwtVerifier({ keys, issuer: 'https://issuer.example', audience: 'kizuna', now });
      expect(await verifier.verify(token, { signingKey: key })).toEqual({
        issuer: 'https://issuer.example',
        subject: 'spiffe://example.org/ns/team/sa/alice',
        audience: ['kizuna', 'other'],
        expiresAt: (Math.floor(NOW / 1000) + 300) * 1000,
        kind: 'jwt',
      });
    }
  });
});

describe('JWT key sources', () => {
  it('reads a JWKS file with several keys and picks by kid', async () => {
    const rsa = await issuerKey('RS256');
    const ec = await issuerKey('ES256');
    const path = join(dir, 'jwks.json');
    writeFileSync(path, JSON.stringify({ keys: [rsa.publicJwk, ec.publicJwk] }));
    const verifier = createJwtVerifier({ keysFile: path, now });
    const key = memberKey();
    expect((await verifier.verify(await makeToken(ec, { key }), { signingKey: key })).kind).toBe('jwt');
    expect((await verifier.verify(await makeToken(rsa, { key }), { signingKey: key })).kind).toBe('jwt');
  });

  it('decodes a SPIRE bundle (base64 JWKS inside a JSON object, keys marked jwt-svid) as seed 000 does', async () => {
    const spire = await issuerKey('RS256');
    const path = join(dir, 'key.jwt');
    writeFileSync(path, spireBundle([spire.publicJwk]));
    const verifier = createJwtVerifier({ keysFile: path, audience: ['slim-demo'], keyBinding: { mode: 'spiffe-path' }, now });
    const key = memberKey();
    // A JWT-SVID carries no custom claim: the SPIFFE ID's last segment names the key.
    const token = await makeToken(spire, { key: null, sub: `spiffe://example.org/kizuna/${toBase64Url(key)}`, aud: 'slim-demo' });
    const identity = await verifier.verify(token, { signingKey: key });
    expect(identity.subject).toBe(`spiffe://example.org/kizuna/${toBase64Url(key)}`);
    await expectCode(verifier.verify(token, { signingKey: memberKey() }), 'TOKEN_KEY_MISMATCH');
  });

  it('picks up a rotated key file', async () => {
    const first = await issuerKey('ES256');
    const second = await issuerKey('ES256');
    const path = join(dir, 'rotating-jwks.json');
    writeFileSync(path, JSON.stringify({ keys: [first.publicJwk] }));
    const verifier = createJwtVerifier({ keysFile: path, now });
    const key = memberKey();
    await verifier.verify(await makeToken(first, { key }), { signingKey: key });
    await expectCode(verifier.verify(await makeToken(second, { key }), { signingKey: key }), 'TOKEN_BAD_SIGNATURE');
    writeFileSync(path, JSON.stringify({ keys: [first.publicJwk, second.publicJwk] }) + '\n');
    await verifier.verify(await makeToken(second, { key }), { signingKey: key });
  });

  it('accepts an RFC 7800 cnf.jwk key binding', async () => {
    const issuer = await issuerKey('EdDSA');
    const key = memberKey();
    const token = await makeToken(issuer, { key: null, extra: { cnf: { jwk: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(key) } } } });
    const verifier = createJwtVerifier({ keys: issuer.publicPem, now });
    await verifier.verify(token, { signingKey: key });
    await expectCode(verifier.verify(token, { signingKey: memberKey() }), 'TOKEN_KEY_MISMATCH');
  });

  it('maps subjects to keys with a subject map', async () => {
    const issuer = await issuerKey('ES256');
    const key = memberKey();
    const token = await makeToken(issuer, { key: null, sub: 'spiffe://example.org/ns/prod/sa/bot' });
    const verifier = createJwtVerifier({ keys: issuer.publicPem, keyBinding: { mode: 'subject-map', subjects: { 'spiffe://example.org/ns/prod/sa/bot': toBase64Url(key) } }, now });
    await verifier.verify(token, { signingKey: key });
    await expectCode(verifier.verify(token, { signingKey: memberKey() }), 'TOKEN_KEY_MISMATCH');
  });

  it('refuses unusable key material as a configuration error', async () => {
    await expectCode(() => createJwtVerifier({ keys: 'not a key' }), 'INVALID_CONFIG');
    await expectCode(() => createJwtVerifier({ keys: '{"something": 1}' }), 'INVALID_CONFIG');
    await expectCode(() => createJwtVerifier({ keysFile: join(dir, 'missing.json') }), 'INVALID_CONFIG');
    await expectCode(() => createJwtVerifier({}), 'INVALID_CONFIG');
  });
});

describe('JWT refusals, each with its own code', async () => {
  const issuer = await issuerKey('ES256');
  const stranger = await issuerKey('ES256', issuer.kid);
  const key = memberKey();
  const verifier = createJwtVerifier({
    keys: JSON.stringify({ keys: [issuer.publicJwk] }),
    issuer: 'https://issuer.example',
    audience: 'kizuna',
    subject: 'spiffe://example.org/kizuna/alice',
    clockSkewSec: 30,
    now,
  });
  const check = (token: string, code: string, signingKey = key): Promise<void> => expectCode(verifier.verify(token, { signingKey }), code);

  it('accepts the good token (control)', async () => {
    await verifier.verify(await makeToken(issuer, { key }), { signingKey: key });
  });
  it('expired → TOKEN_EXPIRED (beyond the clock skew only)', async () => {
    await check(await makeToken(issuer, { key, expIn: -60 }), 'TOKEN_EXPIRED');
    await verifier.verify(await makeToken(issuer, { key, expIn: -20 }), { signingKey: key });
  });
  it('not yet valid → TOKEN_NOT_YET_VALID', async () => {
    await check(await makeToken(issuer, { key, nbfIn: 120 }), 'TOKEN_NOT_YET_VALID');
  });
  it('signed by another key → TOKEN_BAD_SIGNATURE', async () => {
    await check(await makeToken(stranger, { key }), 'TOKEN_BAD_SIGNATURE');
  });
  it('signed by an unknown kid → TOKEN_BAD_SIGNATURE', async () => {
    const other = await issuerKey('ES256');
    await check(await makeToken(other, { key }), 'TOKEN_BAD_SIGNATURE');
  });
  it('a changed payload → TOKEN_BAD_SIGNATURE', async () => {
    const [h, , s] = (await makeToken(issuer, { key })).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: 'https://issuer.example', sub: 'spiffe://example.org/kizuna/alice', aud: 'kizuna', exp: NOW / 1000 + 99, kizuna_key: toBase64Url(key) })).toString('base64url');
    await check(`${h}.${forged}.${s}`, 'TOKEN_BAD_SIGNATURE');
  });
  it('HS256 or alg none (not signed by an accepted key) → TOKEN_BAD_SIGNATURE', async () => {
    const hs = await new SignJWT({ kizuna_key: toBase64Url(key) }).setProtectedHeader({ alg: 'HS256', kid: issuer.kid }).setExpirationTime(NOW / 1000 + 60).sign(new Uint8Array(32));
    await check(hs, 'TOKEN_BAD_SIGNATURE');
    const none = new UnsecuredJWT({ kizuna_key: toBase64Url(key) }).setExpirationTime(NOW / 1000 + 60).encode();
    await check(none, 'TOKEN_BAD_SIGNATURE');
  });
  it('wrong audience → TOKEN_WRONG_AUDIENCE', async () => {
    await check(await makeToken(issuer, { key, aud: 'someone-else' }), 'TOKEN_WRONG_AUDIENCE');
  });
  it('wrong issuer → TOKEN_WRONG_ISSUER', async () => {
    await check(await makeToken(issuer, { key, iss: 'https://evil.example' }), 'TOKEN_WRONG_ISSUER');
  });
  it('wrong subject → TOKEN_WRONG_SUBJECT', async () => {
    await check(await makeToken(issuer, { key, sub: 'spiffe://example.org/kizuna/mallory' }), 'TOKEN_WRONG_SUBJECT');
  });
  it('someone else’s key → TOKEN_KEY_MISMATCH', async () => {
    await check(await makeToken(issuer, { key }), 'TOKEN_KEY_MISMATCH', memberKey());
  });
  it('no key claim → TOKEN_KEY_MISMATCH', async () => {
    await check(await makeToken(issuer, { key: null }), 'TOKEN_KEY_MISMATCH');
  });
  it('no expiry → TOKEN_MALFORMED', async () => {
    await check(await makeToken(issuer, { key, expIn: null }), 'TOKEN_MALFORMED');
  });
  it.each(['not-a-jwt', 'a.b.c', 'eyJhbGciOiJFUzI1NiJ9.!!!.sig', 'x'.repeat(20_000)])('malformed %# → TOKEN_MALFORMED', async (token) => {
    await check(token, 'TOKEN_MALFORMED');
  });
  it('empty → TOKEN_MISSING', async () => {
    await check('', 'TOKEN_MISSING');
  });
});
