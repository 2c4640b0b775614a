/**
 * Verifies JWT identity tokens (seed 000's `IdentityVerifier.Jwt`): signature against a public key, a
 * JWK, a JWKS or a SPIRE bundle (RS256, ES256, EdDSA), then expiry and not-before with a clock skew
 * tolerance, then issuer, audience and subject when configured, then the key binding. Each refusal has
 * its own error code. An `exp` claim is required: identity tokens without an end are refused as malformed.
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import type { ErrorCode } from '../../../../shared/errors/error-codes.js';
import { checkKeyBinding, DEFAULT_KEY_BINDING, type KeyBinding } from './key-binding.js';
import { JWT_ALGORITHMS, keyResolverFromFile, keyResolverFromText } from './jwt-keys.js';
import type { IdentityTokenVerifier, VerifiedIdentity, VerifyTokenOptions } from './token-types.js';

const DEFAULT_JWT_CLOCK_SKEW_SEC = 30;

export interface JwtVerifierOptions {
  /** Key material as text: PEM, JWK, JWKS or SPIRE bundle (see jwt-keys.ts). */
  readonly keys?: string;
  /** The same from a file, re-read when it changes (e.g. SPIRE's key.jwt). */
  readonly keysFile?: string;
  readonly issuer?: string;
  /** The token's `aud` must contain one of these. */
  readonly audience?: string | readonly string[];
  readonly subject?: string;
  /** Tolerance for exp and nbf, seconds (default 30). */
  readonly clockSkewSec?: number;
  readonly keyBinding?: KeyBinding;
  readonly now?: () => number;
}

const CLAIM_CODES: Record<string, ErrorCode> = {
  nbf: 'TOKEN_NOT_YET_VALID',
  iat: 'TOKEN_NOT_YET_VALID',
  exp: 'TOKEN_EXPIRED',
  iss: 'TOKEN_WRONG_ISSUER',
  aud: 'TOKEN_WRONG_AUDIENCE',
  sub: 'TOKEN_WRONG_SUBJECT',
};

/** Maps what jose throws to our codes; anything unexpected is a malformed token. */
export function tokenErrorFromJose(error: unknown): KizunaError {
  if (error instanceof KizunaError) return error;
  if (error instanceof errors.JWTExpired) return new KizunaError('TOKEN_EXPIRED', undefined, { claim: error.claim }, { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    // A missing exp is our own requirement, not an expiry.
    if (error.claim === 'exp' && error.reason === 'missing') return new KizunaError('TOKEN_MALFORMED', 'The identity token has no expiry.', { claim: 'exp' }, { cause: error });
    const code = CLAIM_CODES[error.claim] ?? 'TOKEN_MALFORMED';
    return new KizunaError(code, undefined, { claim: error.claim, reason: error.reason }, { cause: error });
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JOSEAlgNotAllowed
  ) {
    return new KizunaError('TOKEN_BAD_SIGNATURE', undefined, { reason: (error as errors.JOSEError).code }, { cause: error });
  }
  const reason = error instanceof errors.JOSEError ? error.code : 'unreadable';
  return new KizunaError('TOKEN_MALFORMED', undefined, { reason }, { cause: error });
}

export function createJwtVerifier(options: JwtVerifierOptions): IdentityTokenVerifier {
  let getKey: JWTVerifyGetKey;
  if (options.keysFile !== undefined) getKey = keyResolverFromFile(options.keysFile);
  else if (options.keys !== undefined) getKey = keyResolverFromText(options.keys);
  else throw new KizunaError('INVALID_CONFIG', 'A JWT verifier needs a public key, a JWKS or a key file.');
  const binding = options.keyBinding ?? DEFAULT_KEY_BINDING;
  const audience = options.audience === undefined ? undefined : typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  const now = options.now ?? Date.now;
  const clockTolerance = options.clockSkewSec ?? DEFAULT_JWT_CLOCK_SKEW_SEC;

  return {
    kind: 'jwt',
    async verify(token: string, verifyOptions: VerifyTokenOptions): Promise<VerifiedIdentity> {
      if (typeof token !== 'string' || token.length === 0) throw new KizunaError('TOKEN_MISSING');
      if (token.length > 16 * 1024) throw new KizunaError('TOKEN_MALFORMED', undefined, { reason: 'too long' });
      // Structure first, so that a broken token is malformed rather than "badly signed".
      try {
        decodeProtectedHeader(token);
        decodeJwt(token);
      } catch (error) {
        throw new KizunaError('TOKEN_MALFORMED', undefined, { reason: error instanceof errors.JOSEError ? error.code : 'unreadable' }, { cause: error });
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          algorithms: [...JWT_ALGORITHMS],
          clockTolerance,
          currentDate: new Date(verifyOptions.at ?? now()),
          requiredClaims: ['exp'],
          ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
          ...(audience === undefined ? {} : { audience }),
          ...(options.subject === undefined ? {} : { subject: options.subject }),
        }));
      } catch (error) {
        throw tokenErrorFromJose(error);
      }
      const subject = typeof payload.sub === 'string' ? payload.sub : '';
      checkKeyBinding(binding, payload as Record<string, unknown>, subject, verifyOptions.signingKey);
      const aud = payload.aud === undefined ? [] : typeof payload.aud === 'string' ? [payload.aud] : payload.aud;
      return {
        issuer: typeof payload.iss === 'string' ? payload.iss : '',
        subject,
        audience: aud,
        expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
        kind: 'jwt',
      };
    },
  };
}
