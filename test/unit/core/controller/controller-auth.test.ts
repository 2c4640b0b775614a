import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { isKizunaError } from '../../../../shared/errors/kizuna-error.js';
import { createControllerAuth, isLoopbackHost, loadControllerAuthFile, loadControllerClientAuthFile } from '../../../../main/core/controller/controller-auth.js';
import { tempDir } from '../../../helpers/test-engines.js';

const dir = tempDir('kizuna-controller-auth-unit-');
afterAll(() => dir.cleanup());
const TOKEN = 'a'.repeat(40);

function file(name: string, content: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isKizunaError(error) ? error.code : 'untyped';
  }
  return undefined;
}

function bearer(value: string): Metadata {
  const m = new Metadata();
  m.set('authorization', value);
  return m;
}

describe('controller auth files', () => {
  it('reads principals and refuses short, shared or malformed tokens with INVALID_CONFIG', async () => {
    const ok = loadControllerAuthFile(file('ok.json', JSON.stringify({ principals: [{ identity: 'ops', role: 'operator', token: TOKEN }] })));
    expect(await ok.authenticate(bearer(`Bearer ${TOKEN}`))).toEqual({ identity: 'ops', role: 'operator' });
    expect(ok.tls).toBeUndefined();
    expect(code(() => loadControllerAuthFile(file('short.json', JSON.stringify({ principals: [{ identity: 'ops', role: 'operator', token: 'short' }] }))))).toBe('INVALID_CONFIG');
    const twice = { principals: [{ identity: 'a', role: 'node', token: TOKEN }, { identity: 'b', role: 'node', token: TOKEN }] };
    expect(code(() => loadControllerAuthFile(file('twice.json', JSON.stringify(twice))))).toBe('INVALID_CONFIG');
    expect(code(() => loadControllerAuthFile(file('bad.json', '{ not json')))).toBe('INVALID_CONFIG');
    expect(code(() => loadControllerAuthFile(join(dir.path, 'missing.json')))).toBe('INVALID_CONFIG');
    expect(code(() => loadControllerAuthFile(file('role.json', JSON.stringify({ principals: [{ identity: 'x', role: 'admin', token: TOKEN }] }))))).toBe('INVALID_CONFIG');
  });

  it('reads a client file as JSON or as the bare token', () => {
    expect(loadControllerClientAuthFile(file('bare.txt', `${TOKEN}\n`))).toEqual({ token: TOKEN });
    expect(loadControllerClientAuthFile(file('client.json', JSON.stringify({ token: TOKEN, caFile: 'ca.pem' })))).toEqual({ token: TOKEN, caFile: join(dir.path, 'ca.pem') });
    expect(code(() => loadControllerClientAuthFile(file('weak.txt', 'password')))).toBe('INVALID_CONFIG');
  });

  it('refuses missing, malformed, unknown and oversized authorization headers as CONTROLLER_UNAUTHENTICATED', async () => {
    const auth = createControllerAuth([{ identity: 'n', role: 'node', token: TOKEN }]);
    const refusal = (m: Metadata): Promise<string | undefined> => auth.authenticate(m).then(() => undefined, (e: unknown) => (isKizunaError(e) ? e.code : 'untyped'));
    expect(await refusal(new Metadata())).toBe('CONTROLLER_UNAUTHENTICATED');
    expect(await refusal(bearer(`Basic ${TOKEN}`))).toBe('CONTROLLER_UNAUTHENTICATED');
    expect(await refusal(bearer(`Bearer ${TOKEN}x`))).toBe('CONTROLLER_UNAUTHENTICATED');
    expect(await refusal(bearer(`Bearer ${TOKEN.slice(1)}`))).toBe('CONTROLLER_UNAUTHENTICATED');
    expect(await refusal(bearer(`Bearer ${'b'.repeat(100_000)}`))).toBe('CONTROLLER_UNAUTHENTICATED');
    expect((await auth.authenticate(bearer(`Bearer ${TOKEN}`))).identity).toBe('n');
  });

  it('names principals by the subject of a JWT verified against the configured keys, issuer and audience', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const keysFile = file('jwks.json', JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] }));
    const authFile = file(
      'jwt.json',
      JSON.stringify({ principals: [{ identity: 'edge-a', role: 'node', subject: 'spiffe://example.org/edge-a' }], jwt: { keysFile, issuer: 'https://spire.example.org', audience: 'kizuna-controller' } }),
    );
    const auth = loadControllerAuthFile(authFile);
    const sign = (claims: { sub: string; aud?: string; iss?: string }, key = privateKey): Promise<string> =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject(claims.sub)
        .setIssuer(claims.iss ?? 'https://spire.example.org')
        .setAudience(claims.aud ?? 'kizuna-controller')
        .setExpirationTime('5m')
        .sign(key);
    expect(await auth.authenticate(bearer(`Bearer ${await sign({ sub: 'spiffe://example.org/edge-a' })}`))).toEqual({ identity: 'edge-a', role: 'node' });
    const refusal = async (token: Promise<string>): Promise<string | undefined> =>
      auth.authenticate(bearer(`Bearer ${await token}`)).then(() => undefined, (e: unknown) => (isKizunaError(e) ? e.code : 'untyped'));
    expect(await refusal(sign({ sub: 'spiffe://example.org/edge-b' }))).toBe('CONTROLLER_UNAUTHENTICATED');
    expect(await refusal(sign({ sub: 'spiffe://example.org/edge-a', aud: 'someone-else' }))).toBe('CONTROLLER_UNAUTHENTICATED');
    expect(await refusal(sign({ sub: 'spiffe://example.org/edge-a', iss: 'https://evil.example' }))).toBe('CONTROLLER_UNAUTHENTICATED');
    expect(await refusal(sign({ sub: 'spiffe://example.org/edge-a' }, other.privateKey))).toBe('CONTROLLER_UNAUTHENTICATED');
    expect(code(() => loadControllerAuthFile(file('nojwt.json', JSON.stringify({ principals: [{ identity: 'x', role: 'node', subject: 's' }] }))))).toBe('INVALID_CONFIG');
  });

  it('treats only loopback hosts as loopback', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '127.0.0.1.example.com']) expect(isLoopbackHost(h)).toBe(false);
  });
});
