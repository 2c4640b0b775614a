import { concatBytes, utf8 } from '../encoding/base64url.js';
import { sodium } from './sodium.js';

/** An Ed25519 identity key pair: 32-byte public key, 64-byte libsodium secret key (seed || public). */
export interface SigningKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export function generateSigningKeyPair(): SigningKeyPair {
  const kp = sodium().crypto_sign_keypair();
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/**
 * Every signature is over a context label followed by the bytes, so a signature made for one
 * purpose (an envelope) can never be replayed as another (a group version or a contact card).
 */
export type SignatureContext = 'kizuna/envelope/v1' | 'kizuna/group-version/v1' | 'kizuna/contact-card/v1';

function framed(context: SignatureContext, bytes: Uint8Array): Uint8Array {
  return concatBytes(utf8(context), new Uint8Array([0]), bytes);
}

export function signDetached(context: SignatureContext, bytes: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sodium().crypto_sign_detached(framed(context, bytes), secretKey);
}

export function verifyDetached(
  context: SignatureContext,
  bytes: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (signature.byteLength !== 64 || publicKey.byteLength !== 32) return false;
  try {
    return sodium().crypto_sign_verify_detached(signature, framed(context, bytes), publicKey);
  } catch {
    return false;
  }
}
