/**
 * SLIM's default MLS cipher suite, MLS_128_DHKEMP256_AES128GCM_SHA256_P256 (0x0002), for ts-mls. ts-mls's
 * default provider signs P-256 with @noble/curves, which is not installed here, so signatures go through
 * node:crypto (ECDSA-SHA256, DER — what mls-rs writes and reads); hash, KDF and HPKE stay ts-mls's own.
 * Signature keys are the 32-byte private scalar; public keys uncompressed (65 bytes), as SLIM's.
 */
import { createPrivateKey, createPublicKey, sign, verify, webcrypto } from 'node:crypto';
import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl, type CryptoProvider, type Signature } from 'ts-mls';
import { makeHashImpl } from 'ts-mls/crypto/implementation/default/makeHashImpl.js';
import { makeHpke } from 'ts-mls/crypto/implementation/default/makeHpke.js';
import { makeKdf, makeKdfImpl } from 'ts-mls/crypto/implementation/default/makeKdfImpl.js';
import { defaultRng } from 'ts-mls/crypto/implementation/default/rng.js';
import { generateSlimSigningKey } from './slim-signing-key.js';

export const SLIM_MLS_CIPHERSUITE = 'MLS_128_DHKEMP256_AES128GCM_SHA256_P256' as const;

// SEC1 ECPrivateKey without the public key: 30 31 02 01 01 04 20 <d> a0 0a 06 08 <prime256v1 oid>
const SEC1_PREFIX = Buffer.from('30310201010420', 'hex');
const SEC1_SUFFIX = Buffer.from('a00a06082a8648ce3d030107', 'hex');
const SPKI_UNCOMPRESSED = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const SPKI_COMPRESSED = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

function publicKeyObject(publicKey: Uint8Array) {
  const prefix = publicKey.byteLength === 65 ? SPKI_UNCOMPRESSED : publicKey.byteLength === 33 ? SPKI_COMPRESSED : undefined;
  if (prefix === undefined) throw new Error('not a P-256 public key');
  return createPublicKey({ key: Buffer.concat([prefix, publicKey]), format: 'der', type: 'spki' });
}

const p256Signature: Signature = {
  async sign(signKey, message) {
    if (signKey.byteLength !== 32) throw new Error('a P-256 signature key is a 32-byte scalar');
    const key = createPrivateKey({ key: Buffer.concat([SEC1_PREFIX, signKey, SEC1_SUFFIX]), format: 'der', type: 'sec1' });
    return new Uint8Array(sign('sha256', message, { key, dsaEncoding: 'der' }));
  },
  async verify(publicKey, message, signature) {
    try {
      return verify('sha256', message, { key: publicKeyObject(publicKey), dsaEncoding: 'der' }, signature);
    } catch {
      return false;
    }
  },
  async keygen() {
    const key = generateSlimSigningKey();
    return { signKey: key.privateScalar, publicKey: key.publicKey };
  },
};

const provider: CryptoProvider = {
  async getCiphersuiteImpl(cs) {
    return {
      kdf: makeKdfImpl(makeKdf(cs.hpke.kdf)),
      hash: makeHashImpl(webcrypto.subtle as unknown as Parameters<typeof makeHashImpl>[0], cs.hash),
      signature: p256Signature,
      hpke: await makeHpke(cs.hpke),
      rng: defaultRng,
      name: cs.name,
    };
  },
};

let loaded: Promise<CiphersuiteImpl> | undefined;

export function loadSlimMlsSuite(): Promise<CiphersuiteImpl> {
  loaded ??= getCiphersuiteImpl(getCiphersuiteFromName(SLIM_MLS_CIPHERSUITE), provider);
  return loaded;
}
