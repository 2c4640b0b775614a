/**
 * The native HPKE's fast paths against the slow ones they replaced: X25519 on the sender side through
 * OpenSSL (before: libsodium) and the key schedule's kept psk_id_hash / info_hash. Each must accept and
 * refuse exactly what the slow path does, and give the same bytes.
 */
import { generateKeyPairSync } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import type { CiphersuiteImpl } from 'ts-mls';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMlsSuite } from '../../../../../main/core/crypto/mls/index.js';
import { x25519, x25519Encap } from '../../../../../main/core/crypto/mls/native-x25519.js';

const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** u-coordinates whose X25519 with any clamped scalar is all zero (low order), and their high-bit twins. */
const LOW_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '0100000000000000000000000000000000000000000000000000000000000080',
];
/** Not low order once the top bit is masked (RFC 7748), so both implementations must accept them. */
const MASKED_ACCEPTED = ['cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880', 'dbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'];

function refuses(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}

let native: CiphersuiteImpl;
let webcrypto: CiphersuiteImpl;

beforeAll(async () => {
  native = (await loadMlsSuite('native')).impl;
  webcrypto = (await loadMlsSuite('webcrypto')).impl;
});

describe('native X25519 (OpenSSL sender, libsodium receiver)', () => {
  it('refuses every low-order recipient key that libsodium refuses, and accepts the rest', () => {
    const scalar = sodium.randombytes_buf(32);
    for (const u of LOW_ORDER.map(unhex)) {
      expect(refuses(() => sodium.crypto_scalarmult(scalar, u))).toBe(true);
      expect(refuses(() => x25519(scalar, u))).toBe(true);
      expect(refuses(() => x25519Encap(u))).toBe(true);
    }
    for (const u of MASKED_ACCEPTED.map(unhex)) {
      expect(refuses(() => x25519(scalar, u))).toBe(false);
      expect(refuses(() => x25519Encap(u))).toBe(false);
    }
    expect(refuses(() => x25519Encap(new Uint8Array(31)))).toBe(true);
  });

  it('the receiver (libsodium) derives what the sender (OpenSSL) derived', () => {
    for (let i = 0; i < 20; i++) {
      const secret = sodium.randombytes_buf(32);
      const recipient = sodium.crypto_scalarmult_base(secret);
      const { enc, dh } = x25519Encap(recipient);
      expect(x25519(secret, enc)).toEqual(dh);
      expect(dh).toEqual(sodium.crypto_scalarmult(secret, enc));
    }
    // An OpenSSL-made recipient key as well, exported as raw bytes.
    const pair = generateKeyPairSync('x25519');
    const jwk = pair.privateKey.export({ format: 'jwk' });
    const { enc, dh } = x25519Encap(Uint8Array.from(Buffer.from(jwk.x!, 'base64url')));
    expect(x25519(Uint8Array.from(Buffer.from(jwk.d!, 'base64url')), enc)).toEqual(dh);
  });

  it('HPKE seal to a low-order key throws instead of encrypting under a known key', async () => {
    for (const u of LOW_ORDER.map(unhex)) {
      await expect(native.hpke.seal(await native.hpke.importPublicKey(u), new Uint8Array(8), new Uint8Array(0))).rejects.toThrow();
      await expect(native.hpke.exportSecret(await native.hpke.importPublicKey(u), new Uint8Array(0), 32, new Uint8Array(0))).rejects.toThrow();
    }
  });
});

describe('native HPKE key schedule with kept psk_id_hash / info_hash', () => {
  it('alternating infos each open with the default provider under their own info only', async () => {
    const pair = await webcrypto.hpke.generateKeyPair();
    const pk = await native.hpke.importPublicKey(await webcrypto.hpke.exportPublicKey(pair.publicKey));
    const infoA = sodium.randombytes_buf(300);
    const infoB = infoA.slice();
    infoB[299]! ^= 1; // differs only in its last byte
    const aad = new Uint8Array(0);
    for (const info of [infoA, infoA, infoB, infoA, infoB, infoB]) {
      const plaintext = sodium.randombytes_buf(33);
      const other = info === infoA ? infoB : infoA;
      const sealed = await native.hpke.seal(pk, plaintext, info, aad);
      expect(await webcrypto.hpke.open(pair.privateKey, sealed.enc, sealed.ct, info, aad)).toEqual(plaintext);
      await expect(webcrypto.hpke.open(pair.privateKey, sealed.enc, sealed.ct, other, aad)).rejects.toThrow();
      const exported = await native.hpke.exportSecret(pk, info, 32, aad);
      expect(await webcrypto.hpke.importSecret(pair.privateKey, info, exported.enc, 32, aad)).toEqual(exported.secret);
    }
  });

  it('an info changed in place after a seal is not mistaken for the kept one', async () => {
    const pair = await webcrypto.hpke.generateKeyPair();
    const pk = await native.hpke.importPublicKey(await webcrypto.hpke.exportPublicKey(pair.publicKey));
    const info = sodium.randombytes_buf(64);
    const aad = new Uint8Array(0);
    await native.hpke.seal(pk, new Uint8Array(4), info, aad);
    info[0]! ^= 0xff; // the caller reuses its buffer
    const plaintext = sodium.randombytes_buf(16);
    const sealed = await native.hpke.seal(pk, plaintext, info, aad);
    expect(await webcrypto.hpke.open(pair.privateKey, sealed.enc, sealed.ct, info, aad)).toEqual(plaintext);
  });
});
