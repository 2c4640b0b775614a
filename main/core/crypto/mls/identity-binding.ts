/**
 * How a Kizuna identity becomes an MLS leaf: a basic credential whose identity bytes are the 32-byte
 * Ed25519 identity public key, signed by that same key. So the key that signs Kizuna envelopes is the
 * key that signs MLS leaves and messages, and a credential names exactly the key that signs for it.
 */
import { sodium } from '../sodium.js';
import type { AuthenticationService, Credential, CredentialBasic } from 'ts-mls';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { bytesEqual, toBase64Url } from '../../encoding/base64url.js';
import type { IdentityAllowed, MlsIdentity } from './mls-types.js';

export const IDENTITY_PUBLIC_KEY_LENGTH = 32;
const SODIUM_SECRET_KEY_LENGTH = 64;

/**
 * The signature key ts-mls needs from a libsodium Ed25519 secret key (seed || public key): the 32-byte
 * seed. Both ts-mls's default provider (it wraps 32-byte keys in PKCS#8 for WebCrypto) and the native
 * provider sign with it.
 */
export function mlsSignatureKeyFromSodium(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== SODIUM_SECRET_KEY_LENGTH) {
    throw new KizunaError('INVALID_INPUT', 'An identity secret key must be 64 bytes (libsodium layout).');
  }
  return secretKey.slice(0, 32);
}

/** Checks the shape of an identity without crypto: lengths and libsodium's seed || public layout. */
export function assertIdentityShape(identity: MlsIdentity): void {
  const { publicKey, secretKey } = identity;
  if (
    !(publicKey instanceof Uint8Array) ||
    !(secretKey instanceof Uint8Array) ||
    publicKey.length !== IDENTITY_PUBLIC_KEY_LENGTH ||
    secretKey.length !== SODIUM_SECRET_KEY_LENGTH ||
    !bytesEqual(secretKey.subarray(32), publicKey)
  ) {
    throw new KizunaError('INVALID_INPUT', 'This is not an Ed25519 identity key pair.');
  }
}

/** Full check: the seed really derives the public key. Needs libsodium ready (loadMlsSuite awaits it). */
export function assertIdentityKeyPair(identity: MlsIdentity): void {
  assertIdentityShape(identity);
  const derived = sodium().crypto_sign_seed_keypair(identity.secretKey.subarray(0, 32));
  sodium().memzero(derived.privateKey);
  if (!bytesEqual(derived.publicKey, identity.publicKey)) {
    throw new KizunaError('INVALID_INPUT', 'The identity secret key does not match its public key.');
  }
}

export function identityCredential(publicKey: Uint8Array): CredentialBasic {
  return { credentialType: 'basic', identity: publicKey.slice() };
}

/**
 * The binding rule, without the membership question: the credential is basic and its identity is
 * exactly the 32-byte signature public key of the leaf.
 */
export function isCredentialBound(credential: Credential, signaturePublicKey: Uint8Array): credential is CredentialBasic {
  return (
    credential.credentialType === 'basic' &&
    signaturePublicKey.length === IDENTITY_PUBLIC_KEY_LENGTH &&
    bytesEqual(credential.identity, signaturePublicKey)
  );
}

/**
 * Kizuna's authentication service: a credential is valid when it is bound (isCredentialBound) and, if
 * the engine gave one, `isAllowed` accepts its identity.
 */
export function makeAuthenticationService(isAllowed?: IdentityAllowed): AuthenticationService {
  return recordingAuthenticationService(isAllowed).authService;
}

/**
 * The same service, also listing what it refused (hex identities, or "unbound credential"), so an
 * error can say who was not accepted.
 */
export function recordingAuthenticationService(isAllowed?: IdentityAllowed): { authService: AuthenticationService; refused: string[] } {
  const refused: string[] = [];
  const authService: AuthenticationService = {
    async validateCredential(credential, signaturePublicKey) {
      if (!isCredentialBound(credential, signaturePublicKey)) {
        refused.push('unbound credential');
        return false;
      }
      if (isAllowed !== undefined && !(await isAllowed(credential.identity.slice()))) {
        refused.push(toBase64Url(credential.identity));
        return false;
      }
      return true;
    },
  };
  return { authService, refused };
}
