/**
 * Identity tokens: proof, issued by someone other than the member, that a member's Ed25519 signing key
 * belongs to a named identity (an issuer's subject). Seed 000's identity providers and verifiers.
 *
 * A provider makes the token this engine presents when it joins a group (it travels in JOIN); a
 * verifier checks tokens others present. Every token binds the member's signing key (see
 * key-binding.ts), so a valid token for someone else's key is refused with TOKEN_KEY_MISMATCH.
 */

/** What made a token. `local` is the default: no token at all, the key is the identity. */
export type IdentityTokenKind = 'local' | 'shared-secret' | 'jwt';

export interface IdentityTokenProvider {
  readonly kind: IdentityTokenKind;
  /**
   * Binds the user's Ed25519 signing public key (32 bytes). Providers that mint tokens themselves
   * (shared secret) put it into every token; providers that read tokens issued elsewhere (a JWT file)
   * cannot change them and only remember it (the issuer must have bound it, see key-binding.ts).
   */
  bindSigningKey(publicKey: Uint8Array): void;
  /** The current token; '' for the local provider. Rejects TOKEN_MISSING when none can be produced. */
  token(): Promise<string>;
  /** Stops file watchers and timers. Idempotent. */
  close(): void;
}

export interface VerifiedIdentity {
  /** Who vouches: the JWT `iss`, or `shared-secret` for HMAC tokens. */
  readonly issuer: string;
  /** Who the token names: the JWT `sub` (e.g. a SPIFFE ID), or the id in a shared-secret token. */
  readonly subject: string;
  readonly audience: readonly string[];
  /** ms since the Unix epoch; null when the token has no expiry. */
  readonly expiresAt: number | null;
  readonly kind: Exclude<IdentityTokenKind, 'local'>;
}

export interface VerifyTokenOptions {
  /** The member's Ed25519 signing public key (32 bytes) that the token must bind. */
  readonly signingKey: Uint8Array;
  /**
   * The moment the token must have been valid at (ms). Defaults to now. Members re-checking a token
   * the admin announced use the time of the admin's signed announcement, so that a short-lived token
   * that was valid when the admin checked it does not fail later on a member that was offline.
   */
  readonly at?: number;
}

export interface IdentityTokenVerifier {
  readonly kind: Exclude<IdentityTokenKind, 'local'>;
  /**
   * Resolves with the identity the token proves, or rejects with a KizunaError whose code says why:
   * TOKEN_MISSING, TOKEN_MALFORMED, TOKEN_BAD_SIGNATURE, TOKEN_EXPIRED, TOKEN_NOT_YET_VALID,
   * TOKEN_WRONG_ISSUER, TOKEN_WRONG_AUDIENCE, TOKEN_WRONG_SUBJECT or TOKEN_KEY_MISMATCH.
   */
  verify(token: string, options: VerifyTokenOptions): Promise<VerifiedIdentity>;
  /** Stops file watchers. Idempotent. */
  close?(): void;
}

/** The `{ issuer, subject }` pair shown next to a member's display name. */
export interface IdentityLabel {
  readonly issuer: string;
  readonly subject: string;
}
