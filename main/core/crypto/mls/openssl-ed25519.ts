import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { toBase64Url } from '../../encoding/base64url.js';

/**
 * Ed25519 verification of MLS signatures through OpenSSL, as WebCrypto does in ts-mls's default
 * provider, so that every place that checks an MLS signature (the native provider, the inbox's
 * deferred checks, the signature workers) accepts and refuses exactly the same, possibly adversarial,
 * signatures and keys.
 */

const ED25519_PUBLIC_LENGTH = 32;
const ED25519_SIGNATURE_LENGTH = 64;

/** Verification keys of recent signers: every application message is verified against its sender's leaf key. */
const VERIFICATION_KEYS_KEPT = 4096;
const verificationKeys = new Map<string, KeyObject>();

/**
 * The OpenSSL key object for a raw Ed25519 public key, imported once (the JWK import costs about as
 * much as the rest of decrypting a message). A key that does not import throws and is not kept.
 * Oldest first out when full.
 */
function verificationKey(publicKey: Uint8Array): KeyObject {
  const x = toBase64Url(publicKey);
  let key = verificationKeys.get(x);
  if (key === undefined) {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    if (verificationKeys.size >= VERIFICATION_KEYS_KEPT) verificationKeys.delete(verificationKeys.keys().next().value as string);
    verificationKeys.set(x, key);
  }
  return key;
}

/** Whether `signature` is `publicKey`'s Ed25519 signature of `message`; false for malformed keys or signatures. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  try {
    return nodeVerify(null, message, verificationKey(publicKey), signature);
  } catch {
    return false;
  }
}
