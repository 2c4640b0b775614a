/**
 * HPKE (RFC 9180), base mode, single shot, for exactly one suite: DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-128-GCM — what MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 uses. X25519 comes from
 * native-x25519.ts (OpenSSL to encrypt, libsodium to decrypt), HKDF and AES-GCM from node:crypto.
 * Keys are raw 32-byte X25519 scalars / points, the same
 * bytes ts-mls's default (@hpke/core) provider exports, so key packages, private key packages and group
 * states move freely between the two providers (test/unit/core/crypto/mls/crypto-provider-interop.test.ts).
 */
import { sodium } from '../sodium.js';
import type { Hpke, PrivateKey, PublicKey } from 'ts-mls';
import { CryptoError } from 'ts-mls/mlsError.js';
import { bytesEqual, concatBytes } from '../../encoding/base64url.js';
import { aes128GcmOpen, aes128GcmSeal, hkdfExpand, hkdfExtract, randomBytes } from './native-primitives.js';
import { x25519, x25519Encap } from './native-x25519.js';

const X25519_LENGTH = 32;
const AEAD_KEY_LENGTH = 16;
const AEAD_NONCE_LENGTH = 12;
const HASH_LENGTH = 32;

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
/** The few fixed labels this module uses, encoded once each (two to eight per HPKE call). */
const labels = new Map<string, Uint8Array>();
const label = (s: string): Uint8Array => labels.get(s) ?? labels.set(s, text(s)).get(s)!;
const u16 = (n: number): Uint8Array => Uint8Array.of((n >>> 8) & 0xff, n & 0xff);

const HPKE_V1 = text('HPKE-v1');
/** suite_id of the KEM: "KEM" || I2OSP(0x0020, 2). */
const KEM_SUITE_ID = concatBytes(text('KEM'), u16(0x0020));
/** suite_id of HPKE: "HPKE" || kem 0x0020 || kdf 0x0001 || aead 0x0001. */
const HPKE_SUITE_ID = concatBytes(text('HPKE'), u16(0x0020), u16(0x0001), u16(0x0001));
const EMPTY = new Uint8Array(0);
const MODE_BASE = Uint8Array.of(0x00);

function labeledExtract(suiteId: Uint8Array, salt: Uint8Array, name: string, ikm: Uint8Array): Uint8Array {
  return hkdfExtract(salt, concatBytes(HPKE_V1, suiteId, label(name), ikm));
}

function labeledExpand(suiteId: Uint8Array, prk: Uint8Array, name: string, info: Uint8Array, length: number): Uint8Array {
  return hkdfExpand(prk, concatBytes(u16(length), HPKE_V1, suiteId, label(name), info), length);
}

/** The opaque key objects ts-mls passes around; only this module looks inside. */
interface NativePrivateKey {
  readonly type: 'private';
  readonly raw: Uint8Array;
  readonly publicRaw: Uint8Array;
}
interface NativePublicKey {
  readonly type: 'public';
  readonly raw: Uint8Array;
}

function privateKeyOf(raw: Uint8Array): PrivateKey {
  if (raw.length !== X25519_LENGTH) throw new CryptoError('X25519 private key must be 32 bytes');
  const key: NativePrivateKey = { type: 'private', raw: raw.slice(), publicRaw: sodium().crypto_scalarmult_base(raw) };
  return key as unknown as PrivateKey;
}

function publicKeyOf(raw: Uint8Array): PublicKey {
  if (raw.length !== X25519_LENGTH) throw new CryptoError('X25519 public key must be 32 bytes');
  const key: NativePublicKey = { type: 'public', raw: raw.slice() };
  return key as unknown as PublicKey;
}

function unwrapPrivate(key: PrivateKey): NativePrivateKey {
  const k = key as unknown as Partial<NativePrivateKey>;
  if (k.type !== 'private' || !(k.raw instanceof Uint8Array) || !(k.publicRaw instanceof Uint8Array)) {
    throw new CryptoError('Not a private key of the native HPKE provider');
  }
  return k as NativePrivateKey;
}

function unwrapPublic(key: PublicKey): NativePublicKey {
  const k = key as unknown as Partial<NativePublicKey>;
  if (k.type !== 'public' || !(k.raw instanceof Uint8Array)) throw new CryptoError('Not a public key of the native HPKE provider');
  return k as NativePublicKey;
}

function sharedSecret(dhValue: Uint8Array, enc: Uint8Array, recipientPublic: Uint8Array): Uint8Array {
  const eaePrk = labeledExtract(KEM_SUITE_ID, EMPTY, 'eae_prk', dhValue);
  return labeledExpand(KEM_SUITE_ID, eaePrk, 'shared_secret', concatBytes(enc, recipientPublic), HASH_LENGTH);
}

/** An all-zero DH result (low-order recipient key) throws, as RFC 9180 §7.1.4 requires. */
function encap(recipient: NativePublicKey): { enc: Uint8Array; shared: Uint8Array } {
  const { enc, dh } = x25519Encap(recipient.raw);
  const shared = sharedSecret(dh, enc, recipient.raw);
  dh.fill(0);
  return { enc, shared };
}

function decap(recipient: NativePrivateKey, enc: Uint8Array): Uint8Array {
  if (enc.length !== X25519_LENGTH) throw new CryptoError('HPKE encapsulated key must be 32 bytes');
  return sharedSecret(x25519(recipient.raw, enc), enc, recipient.publicRaw);
}

/**
 * The key-schedule inputs that repeat. An update path seals one path secret to hundreds of recipients
 * with the same `info` (the EncryptContext of the new group context), so info_hash is kept for the
 * last `info` seen (compared byte for byte: equal bytes, equal hash), and psk_id_hash of base mode
 * (empty psk_id) is the same for every call.
 */
let pskIdHash: Uint8Array | undefined;
let lastInfo: { info: Uint8Array; hash: Uint8Array } | undefined;

function baseModeContext(info: Uint8Array): Uint8Array {
  pskIdHash ??= labeledExtract(HPKE_SUITE_ID, EMPTY, 'psk_id_hash', EMPTY);
  if (lastInfo === undefined || !bytesEqual(lastInfo.info, info)) {
    lastInfo = { info: info.slice(), hash: labeledExtract(HPKE_SUITE_ID, EMPTY, 'info_hash', info) };
  }
  return concatBytes(MODE_BASE, pskIdHash, lastInfo.hash);
}

/** RFC 9180 §5.1 KeySchedule (base mode): the secret and key_schedule_context the rest derives from. */
function keySchedule(shared: Uint8Array, info: Uint8Array): { secret: Uint8Array; context: Uint8Array } {
  return { secret: labeledExtract(HPKE_SUITE_ID, shared, 'secret', EMPTY), context: baseModeContext(info) };
}

function aeadKeyAndNonce(ks: { secret: Uint8Array; context: Uint8Array }): { key: Uint8Array; baseNonce: Uint8Array } {
  return {
    key: labeledExpand(HPKE_SUITE_ID, ks.secret, 'key', ks.context, AEAD_KEY_LENGTH),
    baseNonce: labeledExpand(HPKE_SUITE_ID, ks.secret, 'base_nonce', ks.context, AEAD_NONCE_LENGTH),
  };
}

/** Export (RFC 9180 §5.3) from a single-shot context; the exporter secret is derived only here. */
function exportFrom(ks: { secret: Uint8Array; context: Uint8Array }, exporterContext: Uint8Array, length: number): Uint8Array {
  const exporterSecret = labeledExpand(HPKE_SUITE_ID, ks.secret, 'exp', ks.context, HASH_LENGTH);
  return labeledExpand(HPKE_SUITE_ID, exporterSecret, 'sec', exporterContext, length);
}

function openAead(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  try {
    return aes128GcmOpen(key, nonce, aad, ciphertext);
  } catch (error) {
    throw new CryptoError(`AEAD open failed: ${error instanceof Error ? error.message : 'unknown'}`);
  }
}

/** Requires loadSodium() to have resolved (loadMlsSuite does it). */
export function makeNativeHpke(): Hpke {
  return {
    async seal(publicKey, plaintext, info, aad) {
      const { enc, shared } = encap(unwrapPublic(publicKey));
      const ctx = aeadKeyAndNonce(keySchedule(shared, info));
      return { ct: aes128GcmSeal(ctx.key, ctx.baseNonce, aad ?? EMPTY, plaintext), enc };
    },
    async open(privateKey, kemOutput, ciphertext, info, aad) {
      const ctx = aeadKeyAndNonce(keySchedule(decap(unwrapPrivate(privateKey), kemOutput), info));
      return openAead(ctx.key, ctx.baseNonce, aad ?? EMPTY, ciphertext);
    },
    async exportSecret(publicKey, exporterContext, length, info) {
      const { enc, shared } = encap(unwrapPublic(publicKey));
      return { enc, secret: exportFrom(keySchedule(shared, info), exporterContext, length) };
    },
    async importSecret(privateKey, exporterContext, kemOutput, length, info) {
      return exportFrom(keySchedule(decap(unwrapPrivate(privateKey), kemOutput), info), exporterContext, length);
    },
    async importPrivateKey(k) {
      return privateKeyOf(k);
    },
    async importPublicKey(k) {
      return publicKeyOf(k);
    },
    async exportPublicKey(k) {
      return unwrapPublic(k).raw.slice();
    },
    async exportPrivateKey(k) {
      return unwrapPrivate(k).raw.slice();
    },
    async encryptAead(key, nonce, aad, plaintext) {
      return aes128GcmSeal(key, nonce, aad ?? EMPTY, plaintext);
    },
    async decryptAead(key, nonce, aad, ciphertext) {
      return openAead(key, nonce, aad ?? EMPTY, ciphertext);
    },
    async deriveKeyPair(ikm) {
      // RFC 9180 §7.1.3 for X25519: sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", 32).
      const dkpPrk = labeledExtract(KEM_SUITE_ID, EMPTY, 'dkp_prk', ikm);
      const privateKey = privateKeyOf(labeledExpand(KEM_SUITE_ID, dkpPrk, 'sk', EMPTY, X25519_LENGTH));
      return { privateKey, publicKey: publicKeyOf(unwrapPrivate(privateKey).publicRaw) };
    },
    async generateKeyPair() {
      const privateKey = privateKeyOf(randomBytes(X25519_LENGTH));
      return { privateKey, publicKey: publicKeyOf(unwrapPrivate(privateKey).publicRaw) };
    },
    keyLength: AEAD_KEY_LENGTH,
    nonceLength: AEAD_NONCE_LENGTH,
  };
}
