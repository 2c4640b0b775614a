/** Identity tokens: providers (local key, shared secret, JWT file) and verifiers (shared secret, JWT). */
export type { IdentityLabel, IdentityTokenKind, IdentityTokenProvider, IdentityTokenVerifier, VerifiedIdentity, VerifyTokenOptions } from './token-types.js';
export { checkKeyBinding, DEFAULT_KEY_BINDING, KEY_CLAIM, keyNamedByClaims, spiffeIdLastSegment, type KeyBinding } from './key-binding.js';
export { createLocalKeyProvider } from './local-key-provider.js';
export {
  createSharedSecretProvider,
  createSharedSecretVerifier,
  SHARED_SECRET_ISSUER,
  SHARED_SECRET_MIN_BYTES,
  type SharedSecretProviderOptions,
  type SharedSecretVerifierOptions,
} from './shared-secret-token.js';
export { createJwtFileProvider, type JwtFileProvider, type JwtFileProviderOptions } from './jwt-file-provider.js';
export { createJwtVerifier, tokenErrorFromJose, type JwtVerifierOptions } from './jwt-verifier.js';
export { JWT_ALGORITHMS, keyResolverFromFile, keyResolverFromText } from './jwt-keys.js';
export {
  IDENTITY_OPTION_SOURCES,
  identityOptionsSchema,
  identityTokensFromOptions,
  parseIdentityOptions,
  type IdentityOptions,
  type IdentityTokens,
} from './identity-options.js';
