import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { openSealed, sealTo } from '../crypto/box.js';
import { blake2b256 } from '../crypto/hash.js';
import { randomBytes } from '../crypto/aead.js';
import { bytesEqual, toBase64Url, utf8 } from '../encoding/base64url.js';
import type { SelfKeys } from '../crypto/self-keys.js';
import type { Store } from '../store/store.js';
import type { SealedSecret } from '../wire/wire-schemas.js';

/**
 * Sealed mode (seed 004): one random 32-byte secret per epoch, sealed to each member's X25519 key.
 * The admin-signed group version commits to each epoch's secret, so a secret handed over later by
 * any member (handshake_secret) can be checked rather than trusted.
 */
export function newEpochSecret(): Uint8Array {
  return randomBytes(32);
}

export function secretCommitment(epoch: number, secret: Uint8Array): Uint8Array {
  const e = new Uint8Array(8);
  new DataView(e.buffer).setBigUint64(0, BigInt(epoch));
  return blake2b256(utf8('kizuna/sealed-commitment/v1'), e, secret);
}

export function sealSecretFor(member: { userId: Uint8Array; boxKey: Uint8Array }, epoch: number, secret: Uint8Array): SealedSecret {
  return { userId: member.userId, epoch, box: sealTo(member.boxKey, secret) };
}

/** Finds and opens the secret sealed to us; undefined if none is for us or it does not open. */
export function openOwnSecret(self: SelfKeys, secrets: readonly SealedSecret[], epoch: number): Uint8Array | undefined {
  const mine = secrets.find((s) => s.epoch === epoch && bytesEqual(s.userId, self.userId));
  if (mine === undefined) return undefined;
  const secret = openSealed({ publicKey: self.boxPublic, secretKey: self.boxSecret }, mine.box);
  return secret?.byteLength === 32 ? secret : undefined;
}

const secretLabel = (groupId: Uint8Array, epoch: number): string => `group_secret:${toBase64Url(groupId)}:${epoch}`;

/** Stores a secret after checking it against the epoch's commitment. */
export function storeEpochSecret(store: Store, groupId: Uint8Array, epoch: number, secret: Uint8Array, commitment: Uint8Array | undefined): void {
  if (commitment === undefined || !bytesEqual(commitment, secretCommitment(epoch, secret))) {
    throw new KizunaError('DECRYPT_FAILED', 'A group secret does not match what the admin committed to.', { epoch });
  }
  store.write.keys.putSecret(groupId, epoch, store.cipher.seal(secretLabel(groupId, epoch), secret));
}

/** Unsealed secrets, per store: an epoch's secret never changes once stored, and every message needs it. */
const unsealed = new WeakMap<Store, Map<string, Uint8Array>>();

export function loadEpochSecret(store: Store, groupId: Uint8Array, epoch: number): Uint8Array | undefined {
  const label = secretLabel(groupId, epoch);
  let cache = unsealed.get(store);
  if (cache === undefined) {
    cache = new Map();
    unsealed.set(store, cache);
  }
  const known = cache.get(label);
  if (known !== undefined) return known;
  const sealed = store.read.keys.secret(groupId, epoch);
  if (sealed === undefined) return undefined;
  const secret = store.cipher.open(label, sealed);
  if (cache.size > 1000) cache.clear();
  cache.set(label, secret);
  return secret;
}
