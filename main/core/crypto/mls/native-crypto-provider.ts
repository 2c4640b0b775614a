/**
 * A ts-mls CryptoProvider for MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 built on synchronous
 * primitives: node:crypto (SHA-256, HMAC, HKDF, AES-128-GCM, Ed25519 verification) and libsodium
 * (Ed25519 signing from the 32-byte seed, X25519). ts-mls's default provider goes through WebCrypto's
 * asynchronous interface for every HKDF step, hash, AEAD call and signature, and spends most of its time
 * there; see bench/mls.bench.ts for the two side by side.
 *
 * Interoperability with the default provider (same keys, same signatures, same wire bytes) is what
 * test/unit/core/crypto/mls/crypto-provider-interop.test.ts proves.
 */
import { loadSodium, sodium } from '../sodium.js';
import type { Ciphersuite, CiphersuiteImpl, CryptoProvider, Hash, Kdf, Signature } from 'ts-mls';
import { bytesEqual } from '../../encoding/base64url.js';
import { makeNativeHpke } from './native-hpke.js';
import { verifyEd25519 } from './openssl-ed25519.js';
import { hkdfExpand, hkdfExtract, hmacSha256, hmacSha256Verify, randomBytes, sha256 } from './native-primitives.js';

const ED25519_SEED_LENGTH = 32;
/** DER prefix of a PKCS#8 Ed25519 private key; ts-mls's default keygen returns seeds in this wrapping. */
const ED25519_PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/** The 32-byte Ed25519 seed in a ts-mls signature key: either the raw seed or its PKCS#8 wrapping. */
function seedOf(signKey: Uint8Array): Uint8Array {
  if (signKey.length === ED25519_SEED_LENGTH) return signKey;
  if (signKey.length === ED25519_PKCS8_PREFIX.length + ED25519_SEED_LENGTH && ED25519_PKCS8_PREFIX.every((b, i) => signKey[i] === b)) {
    return signKey.subarray(ED25519_PKCS8_PREFIX.length);
  }
  throw new Error('Ed25519 signature key must be a 32-byte seed');
}

const hash: Hash = {
  async digest(data) {
    return sha256(data);
  },
  async mac(key, data) {
    return hmacSha256(key, data);
  },
  async verifyMac(key, mac, data) {
    return hmacSha256Verify(key, mac, data);
  },
};

const kdf: Kdf = {
  async extract(salt, ikm) {
    return hkdfExtract(salt, ikm);
  },
  async expand(prk, info, length) {
    return hkdfExpand(prk, info, length);
  },
  size: 32,
};

/**
 * libsodium's 64-byte signing key (seed || public key) per ts-mls signature key array: a group state
 * carries the same array from operation to operation, and deriving the public key from the seed
 * costs as much as signing. Kept only as long as that array lives; the seed is compared on every
 * use, so an array changed in place never signs with what it held before.
 */
const signingKeys = new WeakMap<Uint8Array, { seed: Uint8Array; secretKey: Uint8Array }>();

function signingKey(signKey: Uint8Array): Uint8Array {
  const seed = seedOf(signKey);
  const kept = signingKeys.get(signKey);
  if (kept !== undefined && bytesEqual(kept.seed, seed)) return kept.secretKey;
  const secretKey = sodium().crypto_sign_seed_keypair(seed).privateKey;
  signingKeys.set(signKey, { seed: seed.slice(), secretKey });
  return secretKey;
}

const signature: Signature = {
  async sign(signKey, message) {
    return sodium().crypto_sign_detached(message, signingKey(signKey));
  },
  // Verification goes through OpenSSL, as WebCrypto does in the default provider, so both providers
  // accept and refuse exactly the same (possibly adversarial) signatures and keys.
  async verify(publicKey, message, sig) {
    return verifyEd25519(publicKey, message, sig);
  },
  async keygen() {
    const seed = randomBytes(ED25519_SEED_LENGTH);
    return { signKey: seed, publicKey: sodium().crypto_sign_seed_keypair(seed).publicKey };
  },
};

/** Only MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519; anything else is refused. */
export const nativeCryptoProvider: CryptoProvider = {
  async getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
    if (cs.name !== 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519') throw new Error(`Native MLS provider does not implement ${cs.name}`);
    await loadSodium();
    return {
      hash,
      kdf,
      signature,
      hpke: makeNativeHpke(),
      rng: { randomBytes },
      name: cs.name,
    };
  },
};
