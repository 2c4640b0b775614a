/**
 * How a token binds the member's Ed25519 signing key, and the check that it does.
 *
 * - `claim` (default): the token carries the key. Either the claim `kizuna_key` holds the base64url
 *   (no padding) Ed25519 public key — the same text as the member's Kizuna user id — or an RFC 7800
 *   confirmation claim does: `cnf: { jwk: { kty: "OKP", crv: "Ed25519", x: <base64url key> } }`.
 *   Shared-secret tokens always use `kizuna_key` inside their claims part.
 * - `spiffe-path`: for SPIFFE JWT-SVIDs, which cannot carry custom claims. The subject must be a SPIFFE
 *   ID whose last path segment is the base64url key: `spiffe://example.org/kizuna/<user id>`. The SPIRE
 *   registration entry of a member's workload is created with that ID.
 * - `subject-map`: an operator-maintained table from subject (e.g. any SPIFFE ID) to user id.
 *
 * A token that binds no key, or another key, is refused with TOKEN_KEY_MISMATCH.
 */
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { toBase64Url } from '../../encoding/base64url.js';

/** The claim that carries the base64url Ed25519 signing public key. */
export const KEY_CLAIM = 'kizuna_key';

export type KeyBinding =
  | { readonly mode: 'claim' }
  | { readonly mode: 'spiffe-path' }
  | { readonly mode: 'subject-map'; readonly subjects: Readonly<Record<string, string>> };

export const DEFAULT_KEY_BINDING: KeyBinding = { mode: 'claim' };

function mismatch(reason: string): KizunaError {
  return new KizunaError('TOKEN_KEY_MISMATCH', undefined, { reason });
}

/** The key a claims set names (kizuna_key, or cnf.jwk of an Ed25519 OKP key), if any. */
export function keyNamedByClaims(claims: Record<string, unknown>): string | undefined {
  const direct = claims[KEY_CLAIM];
  if (typeof direct === 'string') return direct;
  const cnf = claims['cnf'];
  if (typeof cnf === 'object' && cnf !== null) {
    const jwk = (cnf as Record<string, unknown>)['jwk'];
    if (typeof jwk === 'object' && jwk !== null) {
      const { kty, crv, x } = jwk as Record<string, unknown>;
      if (kty === 'OKP' && crv === 'Ed25519' && typeof x === 'string') return x;
    }
  }
  return undefined;
}

/** The last path segment of a SPIFFE ID, or undefined when `subject` is not one. */
export function spiffeIdLastSegment(subject: string): string | undefined {
  const match = /^spiffe:\/\/[^/]+\/(.+)$/.exec(subject);
  if (match === null) return undefined;
  const segments = (match[1] ?? '').split('/');
  const last = segments[segments.length - 1];
  return last === undefined || last === '' ? undefined : last;
}

/** Throws TOKEN_KEY_MISMATCH unless the token (its claims and subject) binds `signingKey`. */
export function checkKeyBinding(binding: KeyBinding, claims: Record<string, unknown>, subject: string, signingKey: Uint8Array): void {
  const expected = toBase64Url(signingKey);
  let named: string | undefined;
  switch (binding.mode) {
    case 'claim':
      named = keyNamedByClaims(claims);
      if (named === undefined) throw mismatch(`the token carries no ${KEY_CLAIM} or cnf.jwk claim`);
      break;
    case 'spiffe-path':
      named = spiffeIdLastSegment(subject);
      if (named === undefined) throw mismatch('the subject is not a SPIFFE ID ending in a key');
      break;
    case 'subject-map':
      named = Object.prototype.hasOwnProperty.call(binding.subjects, subject) ? binding.subjects[subject] : undefined;
      if (named === undefined) throw mismatch('the subject is not in the subject map');
      break;
  }
  if (named !== expected) throw mismatch('the token binds another key');
}
