import sodium from 'libsodium-wrappers';
import {
  createCommit,
  decodeMlsMessage,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  type ClientState,
  type Credential,
  type KeyPackage,
} from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import { describe, expect, it } from 'vitest';
import { KizunaError } from '../../../../../shared/errors/kizuna-error.js';
import {
  addMembers,
  decodeKeyPackage,
  generateKeyPackage,
  isCredentialBound,
  joinFromWelcome,
  keyPackageIdentity,
  loadMlsSuite,
  makeAuthenticationService,
  mlsSignatureKeyFromSodium,
  processCommit,
  serializeState,
  type MlsGroupState,
  type MlsIdentity,
} from '../../../../../main/core/crypto/mls/index.js';
import { KIZUNA_CAPABILITIES } from '../../../../../main/core/crypto/mls/key-package.js';
import { expectKizunaError, hex, makeGroup, newIdentity, policyFor } from './mls-test-kit.js';

const internal = (state: MlsGroupState): ClientState => state as unknown as ClientState;
const lifetime = { notBefore: 0n, notAfter: BigInt(Math.floor(Date.now() / 1000) + 3600) };

/** A key package signed by `signer` whose basic credential names `claimed` (not the signer). */
async function mismatchedKeyPackage(signer: MlsIdentity, claimed: Uint8Array): Promise<{ bytes: Uint8Array; keyPackage: KeyPackage }> {
  const suite = await loadMlsSuite();
  const { publicPackage } = await generateKeyPackageWithKey(
    { credentialType: 'basic', identity: claimed },
    KIZUNA_CAPABILITIES,
    lifetime,
    [],
    { signKey: mlsSignatureKeyFromSodium(signer.secretKey), publicKey: signer.publicKey },
    suite.impl,
  );
  return { bytes: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage }), keyPackage: publicPackage };
}

describe('MLS identity binding', () => {
  it('the ts-mls signature key is the libsodium seed and signs exactly as libsodium does', async () => {
    const identity = await newIdentity();
    const seed = mlsSignatureKeyFromSodium(identity.secretKey);
    expect(seed).toEqual(identity.secretKey.subarray(0, 32));
    const message = sodium.randombytes_buf(100);
    for (const provider of ['native', 'webcrypto'] as const) {
      const suite = await loadMlsSuite(provider);
      const signature = await suite.impl.signature.sign(seed, message);
      expect(signature).toEqual(sodium.crypto_sign_detached(message, identity.secretKey));
      expect(await suite.impl.signature.verify(identity.publicKey, message, signature)).toBe(true);
    }
    await expectKizunaError(() => mlsSignatureKeyFromSodium(new Uint8Array(32)), 'INVALID_INPUT');
  });

  it('a credential is valid only if basic, equal to the signature key, and allowed', async () => {
    const a = await newIdentity();
    const b = await newIdentity();
    const basic = (identity: Uint8Array): Credential => ({ credentialType: 'basic', identity });
    expect(isCredentialBound(basic(a.publicKey), a.publicKey)).toBe(true);
    expect(isCredentialBound(basic(b.publicKey), a.publicKey)).toBe(false);
    expect(isCredentialBound(basic(a.publicKey.subarray(0, 31)), a.publicKey.subarray(0, 31))).toBe(false);
    expect(isCredentialBound({ credentialType: 'x509', certificates: [a.publicKey] }, a.publicKey)).toBe(false);

    const onlyA = makeAuthenticationService((identity) => hex(identity) === hex(a.publicKey));
    expect(await onlyA.validateCredential(basic(a.publicKey), a.publicKey)).toBe(true);
    expect(await onlyA.validateCredential(basic(b.publicKey), b.publicKey)).toBe(false);
    expect(await onlyA.validateCredential(basic(a.publicKey), b.publicKey)).toBe(false);
    const asyncAllow = makeAuthenticationService(async () => true);
    expect(await asyncAllow.validateCredential(basic(b.publicKey), b.publicKey)).toBe(true);
  });

  it('generated key packages decode to their identity; keyPackageIdentity agrees', async () => {
    const identity = await newIdentity();
    const kp = await generateKeyPackage(identity);
    const decoded = await decodeKeyPackage(kp.publicPackage);
    expect(hex(decoded.identity)).toBe(hex(identity.publicKey));
    expect(hex(keyPackageIdentity(kp.publicPackage))).toBe(hex(identity.publicKey));
    expect(decoded.expiresAt).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    // The private part holds no identity secret.
    expect(Buffer.from(kp.privatePackage).includes(Buffer.from(identity.secretKey.subarray(0, 32)))).toBe(false);
  });

  it('refuses a key package whose credential names another key than the one that signs', async () => {
    const signer = await newIdentity();
    const victim = await newIdentity();
    const { bytes } = await mismatchedKeyPackage(signer, victim.publicKey);
    await expectKizunaError(decodeKeyPackage(bytes), 'KEY_PACKAGE_INVALID');
    await expectKizunaError(() => keyPackageIdentity(bytes), 'KEY_PACKAGE_INVALID');
    const { admin } = await makeGroup([]);
    const honest = await generateKeyPackage(await newIdentity());
    try {
      await addMembers(admin.state, [honest.publicPackage, bytes], admin.suite);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KizunaError);
      expect((error as KizunaError).code).toBe('KEY_PACKAGE_INVALID');
      expect((error as KizunaError).details?.['index']).toBe(1);
    }
  });

  it('members refuse a commit, and joiners a welcome, that bring in an unbound credential', async () => {
    const { admin, members, policy } = await makeGroup(['bob']);
    const [bob] = members as [(typeof members)[0]];
    const mallory = await newIdentity();
    const { keyPackage: forged } = await mismatchedKeyPackage(mallory, (await newIdentity()).publicKey);
    const carol = await newIdentity();
    const carolKp = await generateKeyPackage(carol, { suite: admin.suite });
    const carolDecoded = decodeMlsMessage(carolKp.publicPackage, 0)![0];
    if (carolDecoded.wireformat !== 'mls_key_package') throw new Error('expected a key package');

    // A rogue admin bypassing Kizuna's checks (ts-mls with its accept-all defaults).
    const crafted = await createCommit(
      { state: { ...internal(admin.state), clientConfig: defaultClientConfig }, cipherSuite: admin.suite.impl },
      {
        extraProposals: [
          { proposalType: 'add', add: { keyPackage: forged } },
          { proposalType: 'add', add: { keyPackage: carolDecoded.keyPackage } },
        ],
        ratchetTreeExtension: true,
      },
    );
    const before = serializeState(bob.state);
    const refused = await processCommit(bob.state, encodeMlsMessage(crafted.commit), policy, bob.suite).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KizunaError);
    expect((refused as KizunaError).code).toBe('MLS_COMMIT_REJECTED');
    expect((refused as KizunaError).details?.['identities']).toEqual(['unbound credential']);
    expect(serializeState(bob.state)).toEqual(before);

    const welcome = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: crafted.welcome! });
    const joinRefused = await joinFromWelcome(welcome, carolKp.privatePackage, carolKp.publicPackage, carol, policyFor(admin.identity), {
      suite: admin.suite,
    }).catch((e: unknown) => e);
    expect(joinRefused).toBeInstanceOf(KizunaError);
    expect((joinRefused as KizunaError).code).toBe('MLS_ERROR');
    expect((joinRefused as KizunaError).details?.['reason']).toBe('credential refused');
  });

  it('refuses tampered, expired and foreign-suite key packages', async () => {
    const identity = await newIdentity();
    const kp = await generateKeyPackage(identity);
    const tampered = kp.publicPackage.slice();
    tampered[tampered.length - 10]! ^= 0x01; // inside the key package signature
    await expectKizunaError(decodeKeyPackage(tampered), 'KEY_PACKAGE_INVALID');

    const shortLived = await generateKeyPackage(identity, { lifetimeMs: 1000 });
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + 10_000;
      await expectKizunaError(decodeKeyPackage(shortLived.publicPackage), 'KEY_PACKAGE_INVALID');
      const { admin } = await makeGroup([]);
      await expectKizunaError(addMembers(admin.state, [shortLived.publicPackage], admin.suite), 'KEY_PACKAGE_INVALID');
    } finally {
      Date.now = realNow;
    }

    const suite = await loadMlsSuite();
    const foreign = await generateKeyPackageWithKey(
      { credentialType: 'basic', identity: identity.publicKey },
      { ...KIZUNA_CAPABILITIES, ciphersuites: ['MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'] },
      lifetime,
      [],
      { signKey: mlsSignatureKeyFromSodium(identity.secretKey), publicKey: identity.publicKey },
      { ...suite.impl, name: 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519' },
    );
    const foreignBytes = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: foreign.publicPackage });
    await expectKizunaError(decodeKeyPackage(foreignBytes), 'KEY_PACKAGE_INVALID');
  });

  it('joinFromWelcome: not for us, or a private package that does not match', async () => {
    const { admin, policy } = await makeGroup(['bob']);
    const carol = await newIdentity();
    const dave = await newIdentity();
    const carolKp = await generateKeyPackage(carol, { suite: admin.suite });
    const daveKp = await generateKeyPackage(dave, { suite: admin.suite });
    const add = await addMembers(admin.state, [carolKp.publicPackage], admin.suite);
    await expectKizunaError(joinFromWelcome(add.welcome, daveKp.privatePackage, daveKp.publicPackage, dave, policy), 'MLS_WELCOME_NOT_FOR_US');
    const carolOther = await generateKeyPackage(carol, { suite: admin.suite });
    await expectKizunaError(joinFromWelcome(add.welcome, carolOther.privatePackage, carolKp.publicPackage, carol, policy), 'KEY_PACKAGE_INVALID');
    await expectKizunaError(joinFromWelcome(add.welcome, daveKp.privatePackage, carolKp.publicPackage, carol, policy), 'KEY_PACKAGE_INVALID');
    await expectKizunaError(joinFromWelcome(add.welcome, carolKp.privatePackage, carolKp.publicPackage, dave, policy), 'KEY_PACKAGE_INVALID');
    const joined = await joinFromWelcome(add.welcome, carolKp.privatePackage, carolKp.publicPackage, carol, policy);
    expect(joined).toBeDefined();
  });

  it('refuses an identity whose secret key does not match its public key', async () => {
    const a = await newIdentity();
    const b = await newIdentity();
    await expectKizunaError(generateKeyPackage({ publicKey: a.publicKey, secretKey: b.secretKey }), 'INVALID_INPUT');
    const spliced = new Uint8Array(64);
    spliced.set(b.secretKey.subarray(0, 32));
    spliced.set(a.publicKey, 32);
    await expectKizunaError(generateKeyPackage({ publicKey: a.publicKey, secretKey: spliced }), 'INVALID_INPUT');
  });
});
