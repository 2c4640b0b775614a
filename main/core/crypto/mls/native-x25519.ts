/**
 * X25519 for the native HPKE: the sender side (ephemeral key + DH, once per HPKE encryption) through
 * OpenSSL (node:crypto), the receiver side through libsodium.
 *
 * Why two: a commit that removes a member of a large group encrypts a path secret to every member
 * under the committer's blank copath nodes (about N HPKE encryptions at N members, when only the admin
 * commits), and there X25519 is most of the cost. OpenSSL's key generation plus DH costs about 0.6 of
 * libsodium's WebAssembly base-point and variable-point multiplications (measured on the bench machine).
 * The receiver does one DH per commit and already holds raw private keys, so it stays on libsodium.
 *
 * Both refuse a DH whose result is all zero (RFC 9180 §7.1.4: a low-order public key) and agree on
 * every other input; test/unit/core/crypto/mls/native-x25519.test.ts shows both on the low-order points.
 */
import { diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CryptoError } from 'ts-mls/mlsError.js';
import { sodium } from '../sodium.js';
import { importedPublicKey } from './openssl-public-keys.js';

const X25519_LENGTH = 32;

function rawPublicOf(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new CryptoError('X25519 key export without a public value');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}

/**
 * DHKEM's sender half: a fresh ephemeral key pair, `enc` (its public key) and DH(ephemeral, recipient).
 * The ephemeral private key never leaves OpenSSL.
 */
export function x25519Encap(recipientPublic: Uint8Array): { enc: Uint8Array; dh: Uint8Array } {
  if (recipientPublic.length !== X25519_LENGTH) throw new CryptoError('X25519 public key must be 32 bytes');
  const ephemeral = generateKeyPairSync('x25519');
  let dh: Buffer;
  try {
    dh = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: importedPublicKey('X25519', recipientPublic) });
  } catch {
    // OpenSSL fails the derivation when the result is all zero.
    throw new CryptoError('X25519 produced an invalid shared secret');
  }
  return { enc: rawPublicOf(ephemeral.publicKey), dh: new Uint8Array(dh) };
}

/** X25519(private, public) with raw keys; libsodium refuses (throws) an all-zero result. */
export function x25519(privateRaw: Uint8Array, publicRaw: Uint8Array): Uint8Array {
  try {
    return sodium().crypto_scalarmult(privateRaw, publicRaw);
  } catch {
    throw new CryptoError('X25519 produced an invalid shared secret');
  }
}
