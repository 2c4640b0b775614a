/**
 * The private part of a Kizuna key package, as the engine stores it (encrypted at rest by the engine):
 *
 *   "KZKP" | u8 format version (1) | u16 cipher suite (0x0001) | identity public key (32 bytes)
 *   | u16 length + HPKE init private key (X25519, 32 bytes)
 *   | u16 length + HPKE leaf private key (X25519, 32 bytes)
 *
 * The identity secret key is not in it: the leaf signature key is the identity key, which the engine
 * already keeps, and joinFromWelcome takes it from the identity.
 */
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { bytesEqual } from '../../encoding/base64url.js';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { IDENTITY_PUBLIC_KEY_LENGTH } from './identity-binding.js';

const MAGIC = Uint8Array.from([0x4b, 0x5a, 0x4b, 0x50]); // "KZKP"
const FORMAT_VERSION = 1;
const SUITE_ID = 0x0001;

export interface PrivateKeyPackageParts {
  readonly identity: Uint8Array;
  readonly initPrivateKey: Uint8Array;
  readonly hpkePrivateKey: Uint8Array;
}

export function encodePrivateKeyPackage(parts: PrivateKeyPackageParts): Uint8Array {
  return new ByteWriter()
    .bytes(MAGIC)
    .u8(FORMAT_VERSION)
    .u16(SUITE_ID)
    .bytes(parts.identity)
    .opaque16(parts.initPrivateKey)
    .opaque16(parts.hpkePrivateKey)
    .finish();
}

export function decodePrivateKeyPackage(bytes: Uint8Array): PrivateKeyPackageParts {
  const fail = (reason: string): KizunaError => new KizunaError('KEY_PACKAGE_INVALID', 'This is not a stored private key package.', { reason });
  if (!(bytes instanceof Uint8Array)) throw fail('not bytes');
  const reader = new ByteReader(bytes, fail);
  const magic = reader.bytes(MAGIC.length);
  if (!bytesEqual(magic, MAGIC)) throw fail('bad magic');
  if (reader.u8() !== FORMAT_VERSION) throw fail('unknown format version');
  if (reader.u16() !== SUITE_ID) throw fail('unknown cipher suite');
  const identity = reader.bytes(IDENTITY_PUBLIC_KEY_LENGTH);
  const initPrivateKey = reader.opaque16();
  const hpkePrivateKey = reader.opaque16();
  reader.end();
  if (initPrivateKey.length !== 32 || hpkePrivateKey.length !== 32) throw fail('bad key length');
  return { identity, initPrivateKey, hpkePrivateKey };
}
