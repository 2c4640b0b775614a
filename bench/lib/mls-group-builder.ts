/**
 * Builds a real ts-mls group of N members for benchmarks: an admin and one observing member (who
 * joined by welcome and processed every later commit), the others added in batches. Group states are
 * provider-independent, so a group built once can be measured with any crypto provider.
 */
import sodium from 'libsodium-wrappers';
import {
  addMembers,
  createGroup,
  generateKeyPackage,
  joinFromWelcome,
  processCommit,
  rosterOf,
  type MlsCommitPolicy,
  type MlsGroupState,
  type MlsIdentity,
  type MlsSuite,
} from '../../main/core/crypto/mls/index.js';

export interface MlsParty {
  identity: MlsIdentity;
  state: MlsGroupState;
}

export interface BuiltMlsGroup {
  admin: MlsParty;
  observer: MlsParty;
  policy: MlsCommitPolicy;
  buildMs: number;
}

export function newMlsIdentity(): MlsIdentity {
  const pair = sodium.crypto_sign_keypair();
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

export async function buildMlsGroup(size: number, suite: MlsSuite, batch = 50): Promise<BuiltMlsGroup> {
  await sodium.ready;
  const started = performance.now();
  const adminIdentity = newMlsIdentity();
  const admin: MlsParty = { identity: adminIdentity, state: await createGroup(sodium.randombytes_buf(32), adminIdentity, suite) };
  const policy: MlsCommitPolicy = { adminIdentity: adminIdentity.publicKey, isAllowed: () => true };
  let observer: MlsParty | undefined;
  let remaining = size - 1;
  while (remaining > 0) {
    const count = Math.min(batch, remaining);
    const joiners = await Promise.all(
      Array.from({ length: count }, async () => {
        const identity = newMlsIdentity();
        return { identity, kp: await generateKeyPackage(identity, { suite }) };
      }),
    );
    const add = await addMembers(admin.state, joiners.map((j) => j.kp.publicPackage), suite);
    admin.state = add.state;
    if (observer === undefined) {
      const first = joiners[0]!;
      observer = { identity: first.identity, state: await joinFromWelcome(add.welcome, first.kp.privatePackage, first.kp.publicPackage, first.identity, policy, { suite }) };
    } else {
      observer.state = (await processCommit(observer.state, add.commit, policy, suite)).state;
    }
    remaining -= count;
  }
  if (observer === undefined) throw new Error('group too small');
  if (rosterOf(admin.state).length !== size) throw new Error('group has the wrong size');
  return { admin, observer, policy, buildMs: performance.now() - started };
}
