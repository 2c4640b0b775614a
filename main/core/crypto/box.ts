import { sodium } from './sodium.js';

/** X25519 key pair used to seal group secrets to a member (seed 004's x25519 box). */
export interface BoxKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export function generateBoxKeyPair(): BoxKeyPair {
  const kp = sodium().crypto_box_keypair();
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/**
 * Anonymous sealed box to a member's X25519 key. Who sealed it is proven by the signed envelope
 * or group version that carries it, not by the box itself.
 */
export function sealTo(recipientPublicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return sodium().crypto_box_seal(plaintext, recipientPublicKey);
}

/** Opens a sealed box; undefined when it was not sealed to this key or was altered. */
export function openSealed(keyPair: BoxKeyPair, sealed: Uint8Array): Uint8Array | undefined {
  try {
    return sodium().crypto_box_seal_open(sealed, keyPair.publicKey, keyPair.secretKey);
  } catch {
    return undefined;
  }
}
