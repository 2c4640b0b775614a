/** Helpers for the MLS tests: real libsodium identities, real ts-mls, no mocks. */
import sodium from 'libsodium-wrappers';
import { expect } from 'vitest';
import { isKizunaError } from '../../../../../shared/errors/kizuna-error.js';
import type { ErrorCode } from '../../../../../shared/errors/error-codes.js';
import {
  addMembers,
  createGroup,
  decryptApplication,
  encryptApplication,
  generateKeyPackage,
  joinFromWelcome,
  loadMlsSuite,
  processCommit,
  type MlsCommitPolicy,
  type MlsGroupState,
  type MlsIdentity,
  type MlsSuite,
} from '../../../../../main/core/crypto/mls/index.js';

export async function newIdentity(): Promise<MlsIdentity> {
  await sodium.ready;
  const pair = sodium.crypto_sign_keypair();
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const read = (b: Uint8Array): string => new TextDecoder().decode(b);
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A policy that allows everyone in `allowed` (hex identities, mutable) and trusts `admin`. */
export function policyFor(admin: MlsIdentity, allowed?: Set<string>): MlsCommitPolicy {
  return { adminIdentity: admin.publicKey, isAllowed: (identity) => allowed === undefined || allowed.has(hex(identity)) };
}

/** One member: its identity, its suite (provider) and its current state. */
export interface Member {
  readonly name: string;
  readonly identity: MlsIdentity;
  readonly suite: MlsSuite;
  state: MlsGroupState;
}

export async function expectKizunaError(promise: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected KizunaError ${code}`).toBeDefined();
  expect(isKizunaError(caught) ? caught.code : caught).toBe(code);
}

/**
 * A group: the admin plus `names` joined through one add commit and the welcome.
 * `providers` picks each member's crypto provider (default native for all).
 */
export async function makeGroup(
  names: string[],
  providers: Record<string, 'native' | 'webcrypto'> = {},
): Promise<{ admin: Member; members: Member[]; policy: MlsCommitPolicy; all: Member[] }> {
  const suiteOf = (name: string): Promise<MlsSuite> => loadMlsSuite(providers[name] ?? 'native');
  const adminIdentity = await newIdentity();
  const adminSuite = await suiteOf('admin');
  const admin: Member = {
    name: 'admin',
    identity: adminIdentity,
    suite: adminSuite,
    state: await createGroup(sodium.randombytes_buf(32), adminIdentity, adminSuite),
  };
  const policy = policyFor(adminIdentity);
  const members: Member[] = [];
  if (names.length > 0) {
    const joiners = await Promise.all(
      names.map(async (name) => {
        const identity = await newIdentity();
        const suite = await suiteOf(name);
        return { name, identity, suite, kp: await generateKeyPackage(identity, { suite }) };
      }),
    );
    const add = await addMembers(
      admin.state,
      joiners.map((j) => j.kp.publicPackage),
      admin.suite,
    );
    admin.state = add.state;
    for (const j of joiners) {
      const state = await joinFromWelcome(add.welcome, j.kp.privatePackage, j.kp.publicPackage, j.identity, policy, { suite: j.suite });
      members.push({ name: j.name, identity: j.identity, suite: j.suite, state });
    }
  }
  return { admin, members, policy, all: [admin, ...members] };
}

/** Adds one new member: the admin commits, `others` process the commit, the newcomer joins. */
export async function addOne(admin: Member, others: Member[], policy: MlsCommitPolicy, name: string, identity?: MlsIdentity, suite?: MlsSuite): Promise<Member> {
  const id = identity ?? (await newIdentity());
  const s = suite ?? admin.suite;
  const kp = await generateKeyPackage(id, { suite: s });
  const add = await addMembers(admin.state, [kp.publicPackage], admin.suite);
  admin.state = add.state;
  for (const m of others) m.state = (await processCommit(m.state, add.commit, policy, m.suite)).state;
  return { name, identity: id, suite: s, state: await joinFromWelcome(add.welcome, kp.privatePackage, kp.publicPackage, id, policy, { suite: s }) };
}

/** `from` sends `message`; every member of `to` decrypts it and sees who sent it. */
export async function sendAndCheck(from: Member, to: Member[], message: string): Promise<Uint8Array> {
  const sent = await encryptApplication(from.state, text(message), text(`aad:${from.name}`), from.suite);
  from.state = sent.state;
  for (const m of to) {
    const got = await decryptApplication(m.state, sent.ciphertext, m.suite);
    m.state = got.state;
    expect(read(got.plaintext)).toBe(message);
    expect(hex(got.senderIdentity)).toBe(hex(from.identity.publicKey));
    expect(read(got.authenticatedData)).toBe(`aad:${from.name}`);
  }
  return sent.ciphertext;
}
