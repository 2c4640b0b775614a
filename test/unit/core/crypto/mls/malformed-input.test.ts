import { describe, expect, it } from 'vitest';
import { isKizunaError } from '../../../../../shared/errors/kizuna-error.js';
import {
  MAX_MLS_MESSAGE_BYTES,
  addMembers,
  decodeKeyPackage,
  decryptApplication,
  deserializeState,
  encryptApplication,
  generateKeyPackage,
  joinFromWelcome,
  keyPackageIdentity,
  processCommit,
  rotateKeys,
  serializeState,
} from '../../../../../main/core/crypto/mls/index.js';
import { expectKizunaError, makeGroup, newIdentity, text } from './mls-test-kit.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Truncations, bit flips, byte overwrites, insertions and pure garbage derived from `valid`. */
function mutations(valid: Uint8Array, seed: number, count: number): Uint8Array[] {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const out: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0xff, 0xff, 0xff, 0xff)];
  const step = Math.max(1, Math.floor(valid.length / 64));
  for (let len = 0; len < valid.length; len += step) out.push(valid.slice(0, len));
  out.push(valid.slice(0, valid.length - 1), new Uint8Array([...valid, 0]));
  for (let i = 0; i < count; i++) {
    const m = valid.slice();
    switch (i % 4) {
      case 0:
        m[int(m.length)]! ^= 1 << int(8);
        out.push(m);
        break;
      case 1:
        for (let j = 0; j < 1 + int(8); j++) m[int(m.length)] = int(256);
        out.push(m);
        break;
      case 2: {
        const at = int(m.length);
        out.push(new Uint8Array([...m.subarray(0, at), int(256), ...m.subarray(at)]));
        break;
      }
      default:
        out.push(Uint8Array.from({ length: int(600) }, () => int(256)));
    }
  }
  // An overwrite may write back the original byte; such an input is not a mutation.
  return out.filter((m) => !(m.length === valid.length && m.every((b, i) => b === valid[i])));
}

/** Every mutation fails with a KizunaError (never another error), quickly. */
async function expectAllRefused(inputs: Uint8Array[], attempt: (bytes: Uint8Array) => Promise<unknown>): Promise<void> {
  let slowest = 0;
  for (const [index, bytes] of inputs.entries()) {
    const started = performance.now();
    let outcome: unknown = 'accepted';
    try {
      await attempt(bytes);
    } catch (error) {
      outcome = error;
    }
    slowest = Math.max(slowest, performance.now() - started);
    if (!isKizunaError(outcome)) {
      throw new Error(`mutation ${index} (${bytes.length} bytes) gave ${outcome instanceof Error ? `${outcome.name}: ${outcome.message}` : String(outcome)}`);
    }
  }
  expect(slowest).toBeLessThan(2000);
}

describe('MLS layer against malformed input', () => {
  it('key packages: garbage, truncated and altered bytes are KEY_PACKAGE_INVALID (or too large)', async () => {
    const kp = await generateKeyPackage(await newIdentity());
    const inputs = mutations(kp.publicPackage, 1, 300);
    await expectAllRefused(inputs, (bytes) => decodeKeyPackage(bytes));
    const structural = inputs.filter((b) => {
      try {
        keyPackageIdentity(b);
        return false;
      } catch (error) {
        expect(isKizunaError(error, 'KEY_PACKAGE_INVALID')).toBe(true);
        return true;
      }
    });
    expect(structural.length).toBeGreaterThan(inputs.length / 2);
    const { admin } = await makeGroup([]);
    await expectAllRefused(inputs.slice(0, 60), (bytes) => addMembers(admin.state, [bytes], admin.suite));
    await expectKizunaError(decodeKeyPackage(new Uint8Array(MAX_MLS_MESSAGE_BYTES + 1)), 'ENVELOPE_TOO_LARGE');
  });

  it('commits: every mutation is refused and the state stays as it was', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol']);
    const bob = members[0]!;
    const rotation = await rotateKeys(admin.state, admin.suite);
    const before = serializeState(bob.state);
    await expectAllRefused(mutations(rotation.commit, 2, 300), (bytes) => processCommit(bob.state, bytes, policy, bob.suite));
    expect(serializeState(bob.state)).toEqual(before);
    const applied = await processCommit(bob.state, rotation.commit, policy, bob.suite);
    expect(applied.epoch).toBe(2n);
  });

  it('application messages: every mutation is refused and the real one still decrypts', async () => {
    const { members } = await makeGroup(['bob', 'carol']);
    const [bob, carol] = members as [(typeof members)[0], (typeof members)[0]];
    const sent = await encryptApplication(bob.state, text('intact'), text('aad'), bob.suite);
    const before = serializeState(carol.state);
    await expectAllRefused(mutations(sent.ciphertext, 3, 400), (bytes) => decryptApplication(carol.state, bytes, carol.suite));
    expect(serializeState(carol.state)).toEqual(before);
    expect(new TextDecoder().decode((await decryptApplication(carol.state, sent.ciphertext, carol.suite)).plaintext)).toBe('intact');
    // A commit is not an application message, and an application message is not a commit.
    await expectKizunaError(processCommit(carol.state, sent.ciphertext, { adminIdentity: bob.identity.publicKey, isAllowed: () => true }, carol.suite), 'MLS_COMMIT_REJECTED');
  });

  it('welcomes, private key packages and ratchet trees: every mutation is refused', async () => {
    const { admin, policy } = await makeGroup(['bob']);
    const carol = await newIdentity();
    const kp = await generateKeyPackage(carol, { suite: admin.suite });
    const add = await addMembers(admin.state, [kp.publicPackage], admin.suite);
    const join = (welcome: Uint8Array, priv = kp.privatePackage, pub = kp.publicPackage, tree?: Uint8Array) =>
      joinFromWelcome(welcome, priv, pub, carol, policy, tree === undefined ? { suite: admin.suite } : { suite: admin.suite, ratchetTree: tree });
    await expectAllRefused(mutations(add.welcome, 4, 120), (bytes) => join(bytes));
    // X25519 ignores the three low bits of a private key's first byte and the two high bits of its
    // last (clamping): a change there is the same key, not a mutation.
    const keyBytes = [41, 75];
    const sameKey = (m: Uint8Array): boolean =>
      m.length === kp.privatePackage.length &&
      m.every((b, i) => {
        const diff = b ^ kp.privatePackage[i]!;
        if (diff === 0) return true;
        return keyBytes.some((start) => (i === start && (diff & ~0x07) === 0) || (i === start + 31 && (diff & ~0xc0) === 0));
      });
    const privateMutations = mutations(kp.privatePackage, 5, 120).filter((m) => !sameKey(m));
    await expectAllRefused(privateMutations, (bytes) => join(add.welcome, bytes));
    await expectAllRefused(mutations(kp.publicPackage, 6, 120), (bytes) => join(add.welcome, kp.privatePackage, bytes));
    await expectAllRefused([new Uint8Array(0), Uint8Array.of(1, 2, 3)], (bytes) => join(add.welcome, kp.privatePackage, kp.publicPackage, bytes));
    expect(await join(add.welcome)).toBeDefined();
  });

  it('state blobs: truncated or garbage blobs are KizunaErrors, never a crash', async () => {
    const { admin } = await makeGroup(['bob']);
    const blob = serializeState(admin.state);
    const random = prng(7);
    const inputs: Uint8Array[] = [];
    for (let len = 0; len < blob.length; len += 37) inputs.push(blob.slice(0, len));
    for (let i = 0; i < 100; i++) inputs.push(new Uint8Array([...blob.subarray(0, 7), ...Uint8Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256))]));
    await expectAllRefused(inputs, async (bytes) => deserializeState(bytes, admin.identity));
    // Bit flips inside secrets cannot be detected here (the engine's at-rest encryption authenticates
    // the blob), but they must still never crash the decoder.
    for (let i = 0; i < 200; i++) {
      const flipped = blob.slice();
      flipped[7 + Math.floor(random() * (blob.length - 7))]! ^= 1 << Math.floor(random() * 8);
      try {
        deserializeState(flipped, admin.identity);
      } catch (error) {
        expect(isKizunaError(error)).toBe(true);
      }
    }
  });

  it('non-byte inputs are KizunaErrors', async () => {
    const { admin, members, policy } = await makeGroup(['bob']);
    const notBytes = 'hello' as unknown as Uint8Array;
    await expectKizunaError(decodeKeyPackage(notBytes), 'KEY_PACKAGE_INVALID');
    await expectKizunaError(processCommit(members[0]!.state, notBytes, policy), 'ENVELOPE_MALFORMED');
    await expectKizunaError(decryptApplication(admin.state, notBytes), 'ENVELOPE_MALFORMED');
    await expectKizunaError(encryptApplication(admin.state, notBytes), 'INVALID_INPUT');
    await expectKizunaError(addMembers(admin.state, notBytes as unknown as Uint8Array[]), 'GROUP_MEMBERS_EMPTY');
  });
});
