import { createCommit, encodeMlsMessage, type ClientState } from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { KizunaError } from '../../../../../shared/errors/kizuna-error.js';
import { toBase64Url } from '../../../../../main/core/encoding/base64url.js';
import {
  addMembers,
  epochOf,
  generateKeyPackage,
  joinFromWelcome,
  processCommit,
  rotateKeys,
  serializeState,
  type MlsGroupState,
} from '../../../../../main/core/crypto/mls/index.js';
import { expectKizunaError, hex, makeGroup, newIdentity, policyFor, sendAndCheck } from './mls-test-kit.js';

const internal = (state: MlsGroupState): ClientState => state as unknown as ClientState;

async function rejection(promise: Promise<unknown>): Promise<KizunaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KizunaError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('MLS commit policy', () => {
  it('rejects a commit from a member who is not the admin and leaves the state unchanged', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol']);
    const [bob, carol] = members as [(typeof members)[0], (typeof members)[0]];

    const rogue = await rotateKeys(bob.state, bob.suite);
    const before = serializeState(carol.state);
    const error = await rejection(processCommit(carol.state, rogue.commit, policy, carol.suite));
    expect(error.code).toBe('MLS_COMMIT_REJECTED');
    expect(error.details?.['reason']).toBe('committer is not the group admin');
    expect(serializeState(carol.state)).toEqual(before);

    // Nor may a non-admin add someone.
    const mallory = await newIdentity();
    const kp = await generateKeyPackage(mallory, { suite: bob.suite });
    const rogueAdd = await addMembers(bob.state, [kp.publicPackage], bob.suite);
    await expectKizunaError(processCommit(carol.state, rogueAdd.commit, policy, carol.suite), 'MLS_COMMIT_REJECTED');
    expect(serializeState(carol.state)).toEqual(before);

    // The untouched state goes on: the admin's commit applies and messages flow.
    const rotation = await rotateKeys(admin.state, admin.suite);
    admin.state = rotation.state;
    carol.state = (await processCommit(carol.state, rotation.commit, policy, carol.suite)).state;
    expect(epochOf(carol.state)).toBe(2n);
    await sendAndCheck(admin, [carol], 'still in sync');
  });

  it('rejects a commit adding an identity the membership callback refuses, state unchanged', async () => {
    const { admin, members } = await makeGroup(['bob', 'carol']);
    const [bob, carol] = members as [(typeof members)[0], (typeof members)[0]];
    const allowed = new Set([admin, bob, carol].map((m) => hex(m.identity.publicKey)));
    const strict = policyFor(admin.identity, allowed);

    const dave = await newIdentity();
    const kp = await generateKeyPackage(dave, { suite: admin.suite });
    const add = await addMembers(admin.state, [kp.publicPackage], admin.suite);
    admin.state = add.state;

    const before = serializeState(carol.state);
    const error = await rejection(processCommit(carol.state, add.commit, strict, carol.suite));
    expect(error.code).toBe('MLS_COMMIT_REJECTED');
    expect(error.details?.['reason']).toBe('credential refused');
    expect(error.details?.['identities']).toEqual([toBase64Url(dave.publicKey)]);
    expect(serializeState(carol.state)).toEqual(before);

    // Once the engine knows dave belongs (new group version), the very same commit applies.
    allowed.add(hex(dave.publicKey));
    const applied = await processCommit(carol.state, add.commit, strict, carol.suite);
    expect(applied.added.map(hex)).toEqual([hex(dave.publicKey)]);
    bob.state = (await processCommit(bob.state, add.commit, strict, bob.suite)).state;
  });

  it('rejects an admin commit carrying a proposal type Kizuna does not use', async () => {
    const { admin, members, policy } = await makeGroup(['bob']);
    const [bob] = members as [(typeof members)[0]];
    const crafted = await createCommit(
      { state: internal(admin.state), cipherSuite: admin.suite.impl },
      { extraProposals: [{ proposalType: 'group_context_extensions', groupContextExtensions: { extensions: [] } }] },
    );
    const error = await rejection(processCommit(bob.state, encodeMlsMessage(crafted.commit), policy, bob.suite));
    expect(error.code).toBe('MLS_COMMIT_REJECTED');
    expect(error.details?.['reason']).toBe('proposal type group_context_extensions is not accepted');
  });

  it('accepts an admin commit sent as a PublicMessage as well', async () => {
    const { admin, members, policy } = await makeGroup(['bob']);
    const [bob] = members as [(typeof members)[0]];
    const crafted = await createCommit({ state: internal(admin.state), cipherSuite: admin.suite.impl }, { wireAsPublicMessage: true });
    const result = await processCommit(bob.state, encodeMlsMessage(crafted.commit), policy, bob.suite);
    expect(result.epoch).toBe(2n);
  });

  it('rejects a commit for another group', async () => {
    const one = await makeGroup(['bob']);
    const two = await makeGroup(['carol']);
    const rotation = await rotateKeys(two.admin.state, two.admin.suite);
    const error = await rejection(processCommit(one.members[0]!.state, rotation.commit, one.policy, one.members[0]!.suite));
    expect(error.code).toBe('MLS_COMMIT_REJECTED');
    expect(error.details?.['reason']).toBe('commit for another group');
  });

  it('a joiner refuses a welcome whose tree holds someone its callback refuses, or lacks the admin', async () => {
    const { admin, members } = await makeGroup(['bob']);
    const [bob] = members as [(typeof members)[0]];
    const carol = await newIdentity();
    const kp = await generateKeyPackage(carol, { suite: admin.suite });
    const add = await addMembers(admin.state, [kp.publicPackage], admin.suite);

    const withoutBob = policyFor(admin.identity, new Set([hex(admin.identity.publicKey), hex(carol.publicKey)]));
    const error = await rejection(joinFromWelcome(add.welcome, kp.privatePackage, kp.publicPackage, carol, withoutBob, { suite: admin.suite }));
    expect(error.code).toBe('MLS_ERROR');
    expect(error.details?.['identities']).toEqual([toBase64Url(bob.identity.publicKey)]);

    const wrongAdmin = policyFor(await newIdentity());
    const noAdmin = await rejection(joinFromWelcome(add.welcome, kp.privatePackage, kp.publicPackage, carol, wrongAdmin, { suite: admin.suite }));
    expect(noAdmin.code).toBe('MLS_ERROR');
    expect(noAdmin.details?.['reason']).toBe('admin not in tree');
  });

  it('refuses a policy without an admin key or a callback', async () => {
    const { admin, members } = await makeGroup(['bob']);
    const rotation = await rotateKeys(admin.state, admin.suite);
    const bad = { adminIdentity: new Uint8Array(3), isAllowed: () => true };
    await expectKizunaError(processCommit(members[0]!.state, rotation.commit, bad, members[0]!.suite), 'INVALID_INPUT');
  });
});
