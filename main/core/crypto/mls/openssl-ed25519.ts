import { verify as nodeVerify } from 'node:crypto';
import { importedPublicKey } from './openssl-public-keys.js';

/**
 * Ed25519 verification of MLS signatures through OpenSSL, as WebCrypto does in ts-mls's default
 * provider, so that every place that checks an MLS signature (the native provider, the inbox's
 * deferred checks, the signature workers) accepts and refuses exactly the same, possibly adversarial,
 * signatures and keys.
 */

const ED25519_PUBLIC_LENGTH = 32;
const ED25519_SIGNATURE_LENGTH = 64;

/** Whether `signature` is `publicKey`'s Ed25519 signature of `message`; false for malformed keys or signatures. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  try {
    return nodeVerify(null, message, importedPublicKey('Ed25519', publicKey), signature);
  } catch {
    return false;
  }
}
