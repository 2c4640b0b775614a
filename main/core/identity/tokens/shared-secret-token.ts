/**
 * Shared-secret identity tokens, in the manner of SLIM's `SharedSecret` provider/verifier: everyone who
 * holds the same secret (at least 32 bytes) can mint and check tokens. Format (our own, five fields
 * separated by ':'):
 *
 *   <id> : <issue time, unix seconds> : <nonce, 12 random bytes, base64url> : <claims> : <mac>
 *
 * <claims> is base64url of the JSON object { "kizuna_key": <base64url Ed25519 signing key> }, which binds
 * the member's key; <mac> is base64url of HMAC-SHA256(secret, everything before the last ':'). A token is
 * valid from its issue time (minus the clock skew) for the validity window (default one hour, as SLIM).
 * The subject of a verified token is <id>; the issuer is `shared-secret`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { fromBase64Url, toBase64Url } from '../../encoding/base64url.js';
import { checkKeyBinding, DEFAULT_KEY_BINDING, KEY_CLAIM } from './key-binding.js';
import type { IdentityTokenProvider, IdentityTokenVerifier, VerifiedIdentity, VerifyTokenOptions } from './token-types.js';

export const SHARED_SECRET_MIN_BYTES = 32;
export const SHARED_SECRET_ISSUER = 'shared-secret';
const DEFAULT_SHARED_SECRET_VALIDITY_SEC = 3600;
const DEFAULT_SHARED_SECRET_CLOCK_SKEW_SEC = 5;
const NONCE_BYTES = 12;
const MAC_BYTES = 32;

function checkSecret(secret: string): Buffer {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.byteLength < SHARED_SECRET_MIN_BYTES) {
    throw new KizunaError('SHARED_SECRET_TOO_SHORT', undefined, { minBytes: SHARED_SECRET_MIN_BYTES, bytes: bytes.byteLength });
  }
  return bytes;
}

function checkId(id: string): void {
  if (id.length === 0 || id.includes(':') || /\s/u.test(id)) {
    throw new KizunaError('INVALID_CONFIG', 'A shared-secret identity id must be non-empty, without spaces or colons.');
  }
}

function mac(secret: Buffer, message: string): Buffer {
  return createHmac('sha256', secret).update(message, 'utf8').digest();
}

export interface SharedSecretProviderOptions {
  /** The identity the tokens name (their subject), e.g. the user's SLIM name; default: the user id. */
  readonly id?: string;
  readonly secret: string;
  readonly now?: () => number;
}

/** Mints a fresh token (new nonce and issue time) on every call. Throws SHARED_SECRET_TOO_SHORT. */
export function createSharedSecretProvider(options: SharedSecretProviderOptions): IdentityTokenProvider {
  const secret = checkSecret(options.secret);
  if (options.id !== undefined) checkId(options.id);
  const now = options.now ?? Date.now;
  let key: Uint8Array | undefined;
  return {
    kind: 'shared-secret',
    bindSigningKey(publicKey) {
      key = new Uint8Array(publicKey);
    },
    async token() {
      if (key === undefined) throw new KizunaError('TOKEN_MISSING', 'No signing key was bound to the shared-secret provider.');
      const claims = Buffer.from(JSON.stringify({ [KEY_CLAIM]: toBase64Url(key) }), 'utf8').toString('base64url');
      const id = options.id ?? toBase64Url(key);
      const message = `${id}:${Math.floor(now() / 1000)}:${randomBytes(NONCE_BYTES).toString('base64url')}:${claims}`;
      return `${message}:${mac(secret, message).toString('base64url')}`;
    },
    close() {},
  };
}

export interface SharedSecretVerifierOptions {
  readonly secret: string;
  /** How long after its issue time a token is accepted (seconds, default 3600). */
  readonly validitySec?: number;
  /** How far in the future an issue time may be (seconds, default 5). */
  readonly clockSkewSec?: number;
  readonly now?: () => number;
}

const malformed = (reason: string): KizunaError => new KizunaError('TOKEN_MALFORMED', undefined, { reason });

export function createSharedSecretVerifier(options: SharedSecretVerifierOptions): IdentityTokenVerifier {
  const secret = checkSecret(options.secret);
  const validitySec = options.validitySec ?? DEFAULT_SHARED_SECRET_VALIDITY_SEC;
  const skewSec = options.clockSkewSec ?? DEFAULT_SHARED_SECRET_CLOCK_SKEW_SEC;
  const now = options.now ?? Date.now;
  return {
    kind: 'shared-secret',
    async verify(token: string, verifyOptions: VerifyTokenOptions): Promise<VerifiedIdentity> {
      if (typeof token !== 'string' || token.length === 0) throw new KizunaError('TOKEN_MISSING');
      if (token.length > 8192) throw malformed('too long');
      const parts = token.split(':');
      if (parts.length !== 5) throw malformed('expected five fields');
      const [id = '', tsText = '', nonceText = '', claimsText = '', macText = ''] = parts;
      if (id.length === 0) throw malformed('empty id');
      if (!/^\d{1,15}$/.test(tsText)) throw malformed('bad issue time');
      if (fromBase64Url(nonceText)?.byteLength !== NONCE_BYTES) throw malformed('bad nonce');
      const claimsBytes = fromBase64Url(claimsText);
      const macBytes = fromBase64Url(macText);
      if (claimsBytes === undefined) throw malformed('bad claims encoding');
      if (macBytes === undefined || macBytes.byteLength !== MAC_BYTES) throw malformed('bad mac encoding');

      const expected = mac(secret, token.slice(0, token.lastIndexOf(':')));
      if (!timingSafeEqual(expected, macBytes)) throw new KizunaError('TOKEN_BAD_SIGNATURE');

      let claims: unknown;
      try {
        claims = JSON.parse(Buffer.from(claimsBytes).toString('utf8'));
      } catch {
        throw malformed('claims are not JSON');
      }
      if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw malformed('claims are not an object');

      const issuedAt = Number(tsText);
      const atSec = Math.floor((verifyOptions.at ?? now()) / 1000);
      if (issuedAt > atSec + skewSec) throw new KizunaError('TOKEN_NOT_YET_VALID', undefined, { issuedAt });
      if (atSec - issuedAt > validitySec) throw new KizunaError('TOKEN_EXPIRED', undefined, { expiredAt: (issuedAt + validitySec) * 1000 });

      checkKeyBinding(DEFAULT_KEY_BINDING, claims as Record<string, unknown>, id, verifyOptions.signingKey);
      return { issuer: SHARED_SECRET_ISSUER, subject: id, audience: [], expiresAt: (issuedAt + validitySec) * 1000, kind: 'shared-secret' };
    },
  };
}
