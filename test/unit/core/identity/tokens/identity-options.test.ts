import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identityTokensFromOptions, parseIdentityOptions } from '../../../../../main/core/identity/tokens/identity-options.js';
import { expectCode } from '../../../../helpers/expect-code.js';
import { issuerKey, makeToken, memberKey, NOW, spireBundle } from './token-test-kit.js';

const dir = mkdtempSync(join(tmpdir(), 'kizuna-id-opts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('identity options (flags and KIZUNA_* environment)', () => {
  it('reads the seed’s options from the environment, flags winning', () => {
    const o = parseIdentityOptions({
      env: {
        KIZUNA_JWT_PATH: '/svids/jwt_svid.token',
        KIZUNA_JWKS_PATH: '/svids/key.jwt',
        KIZUNA_JWT_ISSUER: 'https://spire.example',
        KIZUNA_JWT_AUDIENCE: 'slim-demo, kizuna',
        KIZUNA_JWT_SUBJECT: 'spiffe://example.org/x',
        KIZUNA_TOKEN_CLOCK_SKEW: '10',
      },
      flags: { 'jwt-subject': 'spiffe://example.org/y', keyBinding: 'spiffe-path' },
    });
    expect(o).toEqual({
      jwtPath: '/svids/jwt_svid.token',
      jwksPath: '/svids/key.jwt',
      issuer: 'https://spire.example',
      audience: ['slim-demo', 'kizuna'],
      subject: 'spiffe://example.org/y',
      keyBinding: 'spiffe-path',
      clockSkewSec: 10,
    });
  });

  it('is empty (local identity) without any option', () => {
    expect(parseIdentityOptions({ env: {} })).toEqual({});
    const tokens = identityTokensFromOptions({});
    expect(tokens.provider.kind).toBe('local');
    expect(tokens.verifier).toBeUndefined();
  });

  it('refuses contradictions, bad values and short secrets', async () => {
    await expectCode(() => parseIdentityOptions({ flags: { sharedSecret: 'x'.repeat(40), jwtPath: '/a' } }), 'INVALID_CONFIG');
    await expectCode(() => parseIdentityOptions({ flags: { jwksPath: '/a', keyFile: '/b' } }), 'INVALID_CONFIG');
    await expectCode(() => parseIdentityOptions({ flags: { keyBinding: 'whatever' } }), 'INVALID_CONFIG');
    await expectCode(() => parseIdentityOptions({ env: { KIZUNA_TOKEN_CLOCK_SKEW: 'soon' } }), 'INVALID_CONFIG');
    await expectCode(() => parseIdentityOptions({ env: { KIZUNA_SHARED_SECRET: 'too short' } }), 'SHARED_SECRET_TOO_SHORT');
  });

  it('builds a working JWT provider and SPIRE-bundle verifier from the options', async () => {
    const issuer = await issuerKey('RS256');
    const key = memberKey();
    writeFileSync(join(dir, 'key.jwt'), spireBundle([issuer.publicJwk]));
    writeFileSync(join(dir, 'jwt_svid.token'), await makeToken(issuer, { key, aud: 'slim-demo' }));
    const options = parseIdentityOptions({ flags: { jwtPath: join(dir, 'jwt_svid.token'), jwksPath: join(dir, 'key.jwt'), audience: 'slim-demo', issuer: 'https://issuer.example' } });
    const { provider, verifier } = identityTokensFromOptions(options, () => NOW);
    provider.bindSigningKey(key);
    expect(provider.kind).toBe('jwt');
    const identity = await verifier?.verify(await provider.token(), { signingKey: key });
    expect(identity?.issuer).toBe('https://issuer.example');
    provider.close();
  });

  it('builds a shared-secret pair from the options', async () => {
    const { provider, verifier } = identityTokensFromOptions(parseIdentityOptions({ env: { KIZUNA_SHARED_SECRET: 's'.repeat(32), KIZUNA_SHARED_SECRET_ID: 'org/ns/bot' } }));
    const key = memberKey();
    provider.bindSigningKey(key);
    expect((await verifier?.verify(await provider.token(), { signingKey: key }))?.subject).toBe('org/ns/bot');
  });
});
