import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { blake2b256 } from '../crypto/hash.js';
import { signDetached, verifyDetached } from '../crypto/signing.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import { groupVersionSchema, signedGroupVersionSchema, type GroupVersion, type SignedGroupVersion } from '../wire/wire-schemas.js';

/** A group version together with the exact bytes that were signed and hashed. */
export interface VerifiedGroupVersion {
  version: GroupVersion;
  /** Encoded SignedGroupVersion: what is stored, sent, and hashed into ids. */
  signedBytes: Uint8Array;
  /** BLAKE2b-256 of signedBytes: the next version's prev_hash; for version 0, the group id. */
  hash: Uint8Array;
  /** Who signed it: the creator, who is the admin. */
  signer: Uint8Array;
}

export function signGroupVersion(version: GroupVersion, signSecret: Uint8Array): VerifiedGroupVersion {
  const versionBytes = encodeWire('GroupVersion', version);
  const signature = signDetached('kizuna/group-version/v1', versionBytes, signSecret);
  const signedBytes = encodeWire('SignedGroupVersion', { version: versionBytes, signature });
  return { version, signedBytes, hash: blake2b256(signedBytes), signer: version.creator.userId };
}

/** Decodes a signed version and checks it is signed by the group's creator (the only admin). */
export function verifySignedGroupVersion(signed: SignedGroupVersion): VerifiedGroupVersion {
  const version = decodeWire('GroupVersion', groupVersionSchema, signed.version, 'GROUP_VERSION_INVALID');
  if (!verifyDetached('kizuna/group-version/v1', signed.version, signed.signature, version.creator.userId)) {
    throw new KizunaError('GROUP_VERSION_INVALID', 'A group update carries an invalid signature.', { reason: 'signature' });
  }
  const signedBytes = encodeWire('SignedGroupVersion', signed);
  return { version, signedBytes, hash: blake2b256(signedBytes), signer: version.creator.userId };
}

export function decodeSignedGroupVersion(bytes: Uint8Array): VerifiedGroupVersion {
  return verifySignedGroupVersion(decodeWire('SignedGroupVersion', signedGroupVersionSchema, bytes, 'GROUP_VERSION_INVALID'));
}

export function groupIdOf(first: VerifiedGroupVersion): Uint8Array {
  return first.hash;
}

/** The wire form used inside Invite, Welcome and GroupUpdate bodies, from stored signed bytes. */
export function signedGroupVersionFromBytes(signedBytes: Uint8Array): SignedGroupVersion {
  return decodeWire('SignedGroupVersion', signedGroupVersionSchema, signedBytes, 'STORE_CORRUPT');
}

export function toSignedGroupVersion(v: VerifiedGroupVersion): SignedGroupVersion {
  return signedGroupVersionFromBytes(v.signedBytes);
}
