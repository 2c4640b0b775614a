/**
 * The native provider (node:crypto + libsodium) against ts-mls's default provider (WebCrypto +
 * @hpke/core): same primitives, same bytes, and one group whose members use different providers.
 */
import sodium from 'libsodium-wrappers';
import type { CiphersuiteImpl } from 'ts-mls';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decryptApplication,
  deserializeState,
  encryptApplication,
  epochOf,
  loadMlsSuite,
  processCommit,
  removeMembers,
  rotateKeys,
  serializeState,
  type MlsSuite,
} from '../../../../../main/core/crypto/mls/index.js';
import { addOne, hex, makeGroup, read, sendAndCheck, type Member } from './mls-test-kit.js';

const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** RFC 9180 appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode, seq 0. */
const A11 = {
  info: '4f6465206f6e2061204772656369616e2055726e',
  ikmE: '7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234',
  skEm: '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736',
  pkEm: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  ikmR: '6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037',
  skRm: '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8',
  pkRm: '3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d',
  aad: '436f756e742d30',
  ct: 'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a',
  pt: '4265617574792069732074727574682c20747275746820626561757479',
};

let native: MlsSuite;
let webcrypto: MlsSuite;
let n: CiphersuiteImpl;
let w: CiphersuiteImpl;

beforeAll(async () => {
  native = await loadMlsSuite('native');
  webcrypto = await loadMlsSuite('webcrypto');
  n = native.impl;
  w = webcrypto.impl;
});

describe('native MLS crypto provider', () => {
  it('matches RFC 9180 A.1.1 and the default provider on the same vector', async () => {
    for (const impl of [n, w]) {
      const r = await impl.hpke.deriveKeyPair(unhex(A11.ikmR));
      expect(hex(await impl.hpke.exportPrivateKey(r.privateKey))).toBe(A11.skRm);
      expect(hex(await impl.hpke.exportPublicKey(r.publicKey))).toBe(A11.pkRm);
      const e = await impl.hpke.deriveKeyPair(unhex(A11.ikmE));
      expect(hex(await impl.hpke.exportPrivateKey(e.privateKey))).toBe(A11.skEm);
      expect(hex(await impl.hpke.exportPublicKey(e.publicKey))).toBe(A11.pkEm);
      const sk = await impl.hpke.importPrivateKey(unhex(A11.skRm));
      expect(hex(await impl.hpke.open(sk, unhex(A11.pkEm), unhex(A11.ct), unhex(A11.info), unhex(A11.aad)))).toBe(A11.pt);
    }
  });

  it('HPKE seal/open and export/import cross both ways', async () => {
    for (const [sender, receiver] of [
      [n, w],
      [w, n],
    ] as const) {
      const pair = await receiver.hpke.generateKeyPair();
      const skBytes = await receiver.hpke.exportPrivateKey(pair.privateKey);
      const pkBytes = await receiver.hpke.exportPublicKey(pair.publicKey);
      const info = sodium.randombytes_buf(17);
      const aad = sodium.randombytes_buf(9);
      const plaintext = sodium.randombytes_buf(77);
      const sealed = await sender.hpke.seal(await sender.hpke.importPublicKey(pkBytes), plaintext, info, aad);
      expect(await receiver.hpke.open(pair.privateKey, sealed.enc, sealed.ct, info, aad)).toEqual(plaintext);
      const tampered = sealed.ct.slice();
      tampered[0]! ^= 1;
      await expect(receiver.hpke.open(pair.privateKey, sealed.enc, tampered, info, aad)).rejects.toThrow();
      const exported = await sender.hpke.exportSecret(await sender.hpke.importPublicKey(pkBytes), info, 32, aad);
      expect(await receiver.hpke.importSecret(await receiver.hpke.importPrivateKey(skBytes), info, exported.enc, 32, aad)).toEqual(exported.secret);
    }
  });

  it('hash, MAC, HKDF, AEAD and Ed25519 give identical bytes', async () => {
    for (let i = 0; i < 20; i++) {
      const key = sodium.randombytes_buf(32);
      const data = sodium.randombytes_buf(i * 13);
      const salt = i % 3 === 0 ? new Uint8Array(0) : sodium.randombytes_buf(32);
      expect(await n.hash.digest(data)).toEqual(await w.hash.digest(data));
      const mac = await w.hash.mac(key, data);
      expect(await n.hash.mac(key, data)).toEqual(mac);
      expect(await n.hash.verifyMac(key, mac, data)).toBe(true);
      expect(await n.hash.verifyMac(key, mac.subarray(1), data)).toBe(false);
      expect(await n.kdf.extract(salt, data)).toEqual(await w.kdf.extract(salt, data));
      for (const length of [12, 16, 32, 33, 64, 100]) expect(await n.kdf.expand(key, data, length)).toEqual(await w.kdf.expand(key, data, length));
      const aeadKey = key.subarray(0, 16);
      const nonce = sodium.randombytes_buf(12);
      const sealed = await w.hpke.encryptAead(aeadKey, nonce, data, key);
      expect(await n.hpke.encryptAead(aeadKey, nonce, data, key)).toEqual(sealed);
      expect(await n.hpke.decryptAead(aeadKey, nonce, data, sealed)).toEqual(key);
      const seed = sodium.randombytes_buf(32);
      const signature = await w.signature.sign(seed, data);
      expect(await n.signature.sign(seed, data)).toEqual(signature);
      const publicKey = sodium.crypto_sign_seed_keypair(seed).publicKey;
      expect(await n.signature.verify(publicKey, data, signature)).toBe(true);
      expect(await n.signature.verify(publicKey, sodium.randombytes_buf(3), signature)).toBe(false);
      expect(await n.signature.verify(publicKey.subarray(1), data, signature)).toBe(false);
    }
    // The native provider keeps imported verification keys: a key it has seen verifies nothing the
    // default provider refuses, for that key or any other, and odd keys get the same answer each time.
    const seeds = [sodium.randombytes_buf(32), sodium.randombytes_buf(32)];
    const keys = seeds.map((s) => sodium.crypto_sign_seed_keypair(s).publicKey);
    const signed = sodium.randombytes_buf(77);
    const sigs = await Promise.all(seeds.map((s) => w.signature.sign(s, signed)));
    const oddKeys = [new Uint8Array(32), Uint8Array.from({ length: 32 }, () => 0xff), Uint8Array.of(1, ...new Uint8Array(31))];
    for (let round = 0; round < 2; round++) {
      for (const [k, publicKey] of [...keys, ...oddKeys].entries()) {
        for (const [j, sig] of sigs.entries()) {
          const flipped = sig.slice();
          flipped[j * 7] = (flipped[j * 7] ?? 0) ^ 1;
          for (const [message, signature] of [[signed, sig], [signed, flipped], [signed.subarray(1), sig]] as const) {
            const expected = await w.signature.verify(publicKey, message, signature);
            expect(await n.signature.verify(publicKey, message, signature)).toBe(expected);
            expect(expected).toBe(k === j && signature === sig && message === signed);
          }
        }
      }
    }
    // The native provider keeps derived signing keys per key array: one changed in place signs with
    // what it holds now, exactly as the default provider does.
    const reused = sodium.randombytes_buf(32);
    expect(await n.signature.sign(reused, signed)).toEqual(await w.signature.sign(reused, signed));
    reused.set(sodium.randombytes_buf(32));
    expect(await n.signature.sign(reused, signed)).toEqual(await w.signature.sign(reused, signed));
    // The default provider's own keygen (PKCS#8 seeds) signs the same through the native provider.
    const generated = await w.signature.keygen();
    const message = sodium.randombytes_buf(40);
    expect(await n.signature.sign(generated.signKey, message)).toEqual(await w.signature.sign(generated.signKey, message));
  });

  it('one group, members on both providers: welcomes, commits, messages, removal, reloads', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol', 'dave'], { admin: 'native', bob: 'webcrypto', carol: 'native', dave: 'webcrypto' });
    const [bob, carol, dave] = members as [Member, Member, Member];
    expect(bob.suite.provider).toBe('webcrypto');
    expect(carol.suite.provider).toBe('native');
    const everyone = [admin, bob, carol, dave];
    for (const sender of everyone) await sendAndCheck(sender, everyone.filter((m) => m !== sender), `mixed from ${sender.name}`);

    // A webcrypto newcomer added by the native admin, then a rotation, then a removal.
    const erin = await addOne(admin, [bob, carol, dave], policy, 'erin', undefined, webcrypto);
    everyone.push(erin);
    await sendAndCheck(erin, [admin, bob, carol, dave], 'erin on webcrypto');
    const rotation = await rotateKeys(admin.state, admin.suite);
    admin.state = rotation.state;
    for (const m of [bob, carol, dave, erin]) m.state = (await processCommit(m.state, rotation.commit, policy, m.suite)).state;
    const removal = await removeMembers(admin.state, [carol.identity.publicKey], admin.suite);
    admin.state = removal.state;
    for (const m of [bob, dave, erin]) m.state = (await processCommit(m.state, removal.commit, policy, m.suite)).state;
    expect(epochOf(bob.state)).toBe(4n);
    await sendAndCheck(dave, [admin, bob, erin], 'after removal');

    // A state written by one provider's member is used with the other provider.
    const late = await encryptApplication(bob.state, Buffer.from('switching providers'), undefined, bob.suite);
    bob.state = late.state;
    const daveOnNative: Member = { ...dave, suite: native, state: deserializeState(serializeState(dave.state), dave.identity) };
    const got = await decryptApplication(daveOnNative.state, late.ciphertext, daveOnNative.suite);
    expect(read(got.plaintext)).toBe('switching providers');
    daveOnNative.state = got.state;
    await sendAndCheck(daveOnNative, [admin, bob, erin], 'dave now native');
  });

  it('an admin on the default provider commits to members on the native one', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol'], { admin: 'webcrypto' });
    const [bob, carol] = members as [Member, Member];
    expect(admin.suite.provider).toBe('webcrypto');
    const dave = await addOne(admin, [bob, carol], policy, 'dave', undefined, native);
    const rotation = await rotateKeys(admin.state, admin.suite);
    admin.state = rotation.state;
    for (const m of [bob, carol, dave]) m.state = (await processCommit(m.state, rotation.commit, policy, m.suite)).state;
    const removal = await removeMembers(admin.state, [bob.identity.publicKey], admin.suite);
    admin.state = removal.state;
    for (const m of [carol, dave]) m.state = (await processCommit(m.state, removal.commit, policy, m.suite)).state;
    for (const sender of [admin, carol, dave]) await sendAndCheck(sender, [admin, carol, dave].filter((m) => m !== sender), `from ${sender.name}`);
  });
});
