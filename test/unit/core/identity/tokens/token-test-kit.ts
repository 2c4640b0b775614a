/** Keys and tokens made in the test with jose, the way an identity provider (or SPIRE) would make them. */
import { randomBytes } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { toBase64Url } from '../../../../../main/core/encoding/base64url.js';

export type TestAlg = 'RS256' | 'ES256' | 'EdDSA';

export interface TestIssuerKey {
  readonly alg: TestAlg;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly publicPem: string;
}

export async function issuerKey(alg: TestAlg, kid = `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}`): Promise<TestIssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg };
  return { alg, kid, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

/** A member's Ed25519 signing public key (32 random bytes stand in: only its encoding matters here). */
export function memberKey(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface TokenSpec {
  readonly key?: Uint8Array | null;
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | string[];
  /** seconds relative to NOW */
  readonly expIn?: number | null;
  readonly nbfIn?: number;
  readonly extra?: JWTPayload;
  readonly kid?: string | null;
  /** The moment expIn and nbfIn count from (ms; default NOW). */
  readonly base?: number;
}

export async function makeToken(issuer: TestIssuerKey, spec: TokenSpec = {}): Promise<string> {
  const payload: JWTPayload = { ...(spec.extra ?? {}) };
  if (spec.key !== null && spec.key !== undefined) payload['kizuna_key'] = toBase64Url(spec.key);
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: issuer.alg, typ: 'JWT', ...(spec.kid === null ? {} : { kid: spec.kid ?? issuer.kid }) })
    .setIssuer(spec.iss ?? 'https://issuer.example')
    .setSubject(spec.sub ?? 'spiffe://example.org/kizuna/alice')
    .setAudience(spec.aud ?? 'kizuna')
    .setIssuedAt(Math.floor((spec.base ?? NOW) / 1000) - 10);
  const base = Math.floor((spec.base ?? NOW) / 1000);
  if (spec.expIn !== null) jwt.setExpirationTime(base + (spec.expIn ?? 300));
  if (spec.nbfIn !== undefined) jwt.setNotBefore(base + spec.nbfIn);
  return jwt.sign(issuer.privateKey);
}

/** A SPIRE JWT bundle as spiffe-helper writes key.jwt: { trust domain: base64(JWKS) }, keys marked jwt-svid. */
export function spireBundle(keys: JWK[], trustDomain = 'example.org'): string {
  const jwks = { keys: keys.map((k) => ({ ...k, use: 'jwt-svid' })) };
  return JSON.stringify({ [trustDomain]: Buffer.from(JSON.stringify(jwks)).toString('base64') });
}
