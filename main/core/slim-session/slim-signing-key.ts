/**
 * The P-256 signature key a SLIM member presents: SLIM's default MLS suite (0x0002) signs with ECDSA P-256,
 * and SLIM signs control-message headers with the same key. The public key travels uncompressed (65 bytes,
 * 0x04 ‖ x ‖ y) both in the identity token's `pubkey` claim and, with MLS on, in the member's leaf.
 * Signatures are ECDSA-SHA256 in DER, as SLIM's p256 crate writes them.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';

export const P256_PUBLIC_KEY_BYTES = 65;

export interface SlimSigningKey {
  /** Uncompressed SEC1 public key (65 bytes). */
  readonly publicKey: Uint8Array;
  /** The private scalar (32 bytes), for MLS. */
  readonly privateScalar: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}

function publicKeyBytes(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') throw new KizunaError('INTERNAL', 'P-256 key without coordinates.');
  return new Uint8Array(Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]));
}

function fromPrivate(privateKey: KeyObject): SlimSigningKey {
  const jwk = privateKey.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string') throw new KizunaError('INTERNAL', 'P-256 key without a private part.');
  const publicKey = publicKeyBytes(createPublicKey(privateKey));
  return {
    publicKey,
    privateScalar: new Uint8Array(Buffer.from(jwk.d, 'base64url')),
    sign: (data) => new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'der' })),
  };
}

export function generateSlimSigningKey(): SlimSigningKey {
  return fromPrivate(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

/** Rebuilds a key from its private scalar and public key (as stored). */
export function slimSigningKeyFrom(privateScalar: Uint8Array, publicKey: Uint8Array): SlimSigningKey {
  if (publicKey.byteLength !== P256_PUBLIC_KEY_BYTES || publicKey[0] !== 4) throw new KizunaError('INVALID_INPUT', 'Not an uncompressed P-256 key.');
  const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
  const key = createPrivateKey({
    format: 'jwk',
    key: { kty: 'EC', crv: 'P-256', d: b64(privateScalar), x: b64(publicKey.subarray(1, 33)), y: b64(publicKey.subarray(33, 65)) },
  });
  return fromPrivate(key);
}

/** True when `signature` (DER) is a valid ECDSA-SHA256 signature of `data` by the uncompressed P-256 `publicKey`. */
export function verifyP256(data: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (publicKey.byteLength !== P256_PUBLIC_KEY_BYTES || publicKey[0] !== 4) return false;
  try {
    const key = createPublicKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: Buffer.from(publicKey.subarray(1, 33)).toString('base64url'),
        y: Buffer.from(publicKey.subarray(33, 65)).toString('base64url'),
      },
    });
    return verify('sha256', data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
