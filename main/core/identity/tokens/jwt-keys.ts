/**
 * Verification keys for JWT identity tokens, from text or from a file that may change on disk.
 *
 * Accepted forms (detected from the content):
 * - a PEM public key (SPKI, `-----BEGIN PUBLIC KEY-----`) or certificate (`-----BEGIN CERTIFICATE-----`);
 * - one JWK (`{"kty": ...}`);
 * - a JWKS (`{"keys": [...]}`);
 * - a SPIRE JWT bundle as spiffe-helper writes `key.jwt`: a JSON object whose first value is the
 *   base64-encoded JWKS of the trust domain (seed 000 decodes it the same way). SPIRE marks its JWT keys
 *   `"use": "jwt-svid"`; they are taken as signature keys, and X.509 (`x509-svid`) keys are left out.
 *
 * A file is re-read when its modification time, size or inode changes (SPIRE rotates bundles), and the
 * last good keys stay in use if a rewrite is caught half-written.
 */
import { statSync, readFileSync, type Stats } from 'node:fs';
import { createLocalJWKSet, importJWK, importSPKI, importX509, type JWK, type JWTVerifyGetKey } from 'jose';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { createLogger } from '../../log/logger.js';

const log = createLogger('identity.tokens.keys');

/** Algorithms identity tokens may be signed with. */
export const JWT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA', 'Ed25519'] as const;

function invalidKeys(reason: string, cause?: unknown): KizunaError {
  return new KizunaError('INVALID_CONFIG', `The JWT verification key is not usable: ${reason}.`, { reason }, { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps signature keys only and lets jose use SPIRE's `jwt-svid` keys. */
function normaliseJwks(keys: unknown[]): { keys: JWK[] } {
  const out: JWK[] = [];
  for (const k of keys) {
    if (!isRecord(k) || typeof k['kty'] !== 'string') continue;
    const use = k['use'];
    if (use === 'x509-svid' || use === 'enc') continue;
    const copy = { ...k } as JWK & Record<string, unknown>;
    if (use === 'jwt-svid') delete copy.use;
    out.push(copy);
  }
  if (out.length === 0) throw invalidKeys('the key set holds no signature key');
  return { keys: out };
}

function jwksFromJson(value: unknown): { keys: JWK[] } | JWK {
  if (!isRecord(value)) throw invalidKeys('not a JSON object');
  if (Array.isArray(value['keys'])) return normaliseJwks(value['keys']);
  if (typeof value['kty'] === 'string') return value as JWK;
  // A SPIRE bundle: { "<trust domain>": "<base64 JWKS>" }.
  const first = Object.values(value)[0];
  if (typeof first === 'string') {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(first, 'base64').toString('utf8'));
    } catch (error) {
      throw invalidKeys('the bundle value is not base64-encoded JSON', error);
    }
    if (isRecord(decoded) && Array.isArray(decoded['keys'])) return normaliseJwks(decoded['keys']);
    throw invalidKeys('the bundle value is not a key set');
  }
  throw invalidKeys('neither a JWK, a JWKS nor a SPIRE bundle');
}

/** A jose key resolver for the given key material. Throws INVALID_CONFIG when it cannot be used. */
export function keyResolverFromText(text: string): JWTVerifyGetKey {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    const isCert = trimmed.includes('BEGIN CERTIFICATE');
    if (!isCert && !trimmed.includes('BEGIN PUBLIC KEY')) throw invalidKeys('only PEM public keys and certificates are accepted');
    const byAlg = new Map<string, ReturnType<typeof importSPKI>>();
    return (header) => {
      const alg = header.alg ?? '';
      let key = byAlg.get(alg);
      if (key === undefined) {
        key = isCert ? importX509(trimmed, alg) : importSPKI(trimmed, alg);
        byAlg.set(alg, key);
      }
      return key;
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    throw invalidKeys('not PEM and not JSON', error);
  }
  const parsed = jwksFromJson(json);
  if ('keys' in parsed) {
    try {
      return createLocalJWKSet(parsed);
    } catch (error) {
      throw invalidKeys('the key set is malformed', error);
    }
  }
  const jwk = parsed;
  const byAlg = new Map<string, ReturnType<typeof importJWK>>();
  return (header) => {
    const alg = jwk.alg ?? header.alg ?? '';
    let key = byAlg.get(alg);
    if (key === undefined) {
      key = importJWK(jwk, alg) as ReturnType<typeof importJWK>;
      byAlg.set(alg, key);
    }
    return key as never;
  };
}

function fingerprint(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

/** A resolver over a key file, re-read whenever the file changes. Throws INVALID_CONFIG if unreadable now. */
export function keyResolverFromFile(path: string): JWTVerifyGetKey {
  const load = (): { print: string; resolver: JWTVerifyGetKey } => {
    let stats: Stats;
    let text: string;
    try {
      stats = statSync(path);
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw invalidKeys(`the file ${path} cannot be read`, error);
    }
    return { print: fingerprint(stats), resolver: keyResolverFromText(text) };
  };
  let current = load();
  return (header, token) => {
    try {
      if (fingerprint(statSync(path)) !== current.print) current = load();
    } catch (error) {
      log.warn('key file changed but could not be loaded; keeping the previous keys', {
        path,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    return current.resolver(header, token);
  };
}
