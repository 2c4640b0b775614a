/**
 * Key packages: what a joiner sends the admin so it can be added (RFC 9420 §10). Kizuna's carry a
 * basic credential whose identity is the Ed25519 identity public key, which is also the leaf signature
 * key (identity-binding.ts), and support exactly one cipher suite.
 */
import { generateKeyPackageWithKey, type Capabilities, type KeyPackage, type PrivateKeyPackage } from 'ts-mls';
import { verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { bytesEqual } from '../../encoding/base64url.js';
import { assertIdentityKeyPair, identityCredential, isCredentialBound, mlsSignatureKeyFromSodium } from './identity-binding.js';
import { guardMls } from './mls-errors.js';
import { MLS_CIPHERSUITE, suiteOrDefault, type MlsSuite } from './mls-suite.js';
import type { DecodedKeyPackage, MlsIdentity, MlsKeyPackagePair } from './mls-types.js';
import { decodeWire, encodeWire } from './mls-wire.js';
import { encodePrivateKeyPackage } from './private-key-package.js';

/** How long a fresh key package stays valid (the admin refuses to add it afterwards). */
export const KEY_PACKAGE_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** A fresh key package is valid from this long ago, so an admin whose clock is behind still accepts it. */
const NOT_BEFORE_SLACK_MS = 60 * 60 * 1000;

export const KIZUNA_CAPABILITIES: Capabilities = Object.freeze({
  versions: ['mls10'],
  ciphersuites: [MLS_CIPHERSUITE],
  extensions: [],
  proposals: [],
  credentials: ['basic'],
}) as Capabilities;

export interface GenerateKeyPackageOptions {
  /** Lifetime in milliseconds from now (default KEY_PACKAGE_LIFETIME_MS). */
  readonly lifetimeMs?: number;
  readonly suite?: MlsSuite;
}

/** A fresh ts-mls key package for `identity` (signed with the identity key). */
export async function createKeyPackage(
  identity: MlsIdentity,
  suite: MlsSuite,
  lifetimeMs: number = KEY_PACKAGE_LIFETIME_MS,
): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }> {
  assertIdentityKeyPair(identity);
  if (!Number.isSafeInteger(lifetimeMs) || lifetimeMs <= 0) throw new KizunaError('INVALID_INPUT', 'A key package lifetime must be a positive number of milliseconds.');
  const now = Date.now();
  const lifetime = {
    notBefore: BigInt(Math.floor((now - NOT_BEFORE_SLACK_MS) / 1000)),
    notAfter: BigInt(Math.floor((now + lifetimeMs) / 1000)),
  };
  return guardMls('MLS_ERROR', () =>
    generateKeyPackageWithKey(
      identityCredential(identity.publicKey),
      KIZUNA_CAPABILITIES,
      lifetime,
      [],
      { signKey: mlsSignatureKeyFromSodium(identity.secretKey), publicKey: identity.publicKey.slice() },
      suite.impl,
    ),
  );
}

/** A fresh key package for `identity`: the public part to send, the private part to keep. */
export async function generateKeyPackage(identity: MlsIdentity, options: GenerateKeyPackageOptions = {}): Promise<MlsKeyPackagePair> {
  const suite = await suiteOrDefault(options.suite);
  const { publicPackage, privatePackage } = await createKeyPackage(identity, suite, options.lifetimeMs);
  return {
    publicPackage: encodeWire({ wireformat: 'mls_key_package', keyPackage: publicPackage }),
    privatePackage: encodePrivateKeyPackage({
      identity: identity.publicKey,
      initPrivateKey: privatePackage.initPrivateKey,
      hpkePrivateKey: privatePackage.hpkePrivateKey,
    }),
  };
}

function invalid(reason: string): KizunaError {
  return new KizunaError('KEY_PACKAGE_INVALID', undefined, { reason });
}

/** Decodes and checks everything that needs no crypto. */
function decodeStructure(bytes: Uint8Array): KeyPackage {
  const keyPackage = decodeWire(bytes, ['mls_key_package'], 'KEY_PACKAGE_INVALID').keyPackage;
  const leaf = keyPackage.leafNode;
  if (keyPackage.version !== 'mls10') throw invalid('unsupported MLS version');
  if (keyPackage.cipherSuite !== MLS_CIPHERSUITE) throw invalid(`unsupported cipher suite ${String(keyPackage.cipherSuite)}`);
  if (leaf.leafNodeSource !== 'key_package') throw invalid('leaf node is not from a key package');
  if (!isCredentialBound(leaf.credential, leaf.signaturePublicKey)) throw invalid('credential is not bound to the signature key');
  if (!leaf.capabilities.credentials.includes('basic') || !leaf.capabilities.ciphersuites.includes(MLS_CIPHERSUITE)) {
    throw invalid('capabilities lack the basic credential or the cipher suite');
  }
  if (keyPackage.initKey.length !== 32 || leaf.hpkePublicKey.length !== 32) throw invalid('bad HPKE key length');
  if (bytesEqual(keyPackage.initKey, leaf.hpkePublicKey)) throw invalid('init key equals leaf encryption key');
  return keyPackage;
}

export interface ParsedKeyPackage {
  readonly decoded: DecodedKeyPackage;
  readonly keyPackage: KeyPackage;
}

/** Full validation: structure, both signatures, and (unless told otherwise) the lifetime at `now`. */
export async function parseKeyPackage(bytes: Uint8Array, suite: MlsSuite, checkLifetimeAt: number | undefined): Promise<ParsedKeyPackage> {
  const keyPackage = decodeStructure(bytes);
  const leaf = keyPackage.leafNode;
  const signaturesValid = await guardMls('KEY_PACKAGE_INVALID', async () => {
    return (await verifyLeafNodeSignatureKeyPackage(leaf, suite.impl.signature)) && (await verifyKeyPackage(keyPackage, suite.impl.signature));
  });
  if (!signaturesValid) throw invalid('bad signature');
  if (checkLifetimeAt !== undefined) {
    const nowSeconds = BigInt(Math.floor(checkLifetimeAt / 1000));
    if (leaf.lifetime.notBefore > nowSeconds) throw invalid('not valid yet');
    if (leaf.lifetime.notAfter < nowSeconds) throw invalid('expired');
  }
  const expiresAtSeconds = leaf.lifetime.notAfter;
  return {
    keyPackage,
    decoded: {
      // Bound credential (decodeStructure): the identity is the signature public key.
      identity: leaf.signaturePublicKey.slice(),
      expiresAt: expiresAtSeconds > BigInt(Math.floor(Number.MAX_SAFE_INTEGER / 1000)) ? Number.MAX_SAFE_INTEGER : Number(expiresAtSeconds) * 1000,
      bytes,
    },
  };
}

/**
 * Validates a key package received from the network: MLSMessage framing, MLS 1.0, Kizuna's cipher
 * suite, credential bound to the signature key, key package and leaf signatures, lifetime now.
 * Throws KizunaError('KEY_PACKAGE_INVALID') otherwise.
 */
export async function decodeKeyPackage(bytes: Uint8Array, suite?: MlsSuite): Promise<DecodedKeyPackage> {
  return (await parseKeyPackage(bytes, await suiteOrDefault(suite), Date.now())).decoded;
}

/**
 * Whose key package this is (the 32-byte identity public key), without checking signatures: for routing
 * and lookups only; decodeKeyPackage before trusting it.
 */
export function keyPackageIdentity(bytes: Uint8Array): Uint8Array {
  return decodeStructure(bytes).leafNode.signaturePublicKey.slice();
}
