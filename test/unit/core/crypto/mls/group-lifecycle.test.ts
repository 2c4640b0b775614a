import { describe, expect, it } from 'vitest';
import {
  MLS_KEY_RETENTION,
  decryptApplication,
  encryptApplication,
  epochOf,
  groupIdOf,
  isRemovedFromGroup,
  ownIdentityOf,
  processCommit,
  removeMembers,
  rosterOf,
  rotateKeys,
} from '../../../../../main/core/crypto/mls/index.js';
import { addOne, expectKizunaError, hex, makeGroup, read, sendAndCheck, text } from './mls-test-kit.js';

const sortedHex = (keys: Uint8Array[]): string[] => keys.map(hex).sort();

describe('MLS group lifecycle', () => {
  it('creates a group, adds members through welcomes, and every member reads every other', async () => {
    const { admin, members, policy, all } = await makeGroup(['bob', 'carol']);
    expect(epochOf(admin.state)).toBe(1n);
    for (const m of members) {
      expect(epochOf(m.state)).toBe(1n);
      expect(hex(groupIdOf(m.state))).toBe(hex(groupIdOf(admin.state)));
      expect(hex(ownIdentityOf(m.state)!)).toBe(hex(m.identity.publicKey));
    }
    expect(sortedHex(rosterOf(members[0]!.state))).toEqual(sortedHex(all.map((m) => m.identity.publicKey)));

    // A fourth member arrives in a second commit that bob and carol process.
    const dave = await addOne(admin, members, policy, 'dave');
    const everyone = [...all, dave];
    for (const m of everyone) expect(epochOf(m.state)).toBe(2n);
    expect(sortedHex(rosterOf(dave.state))).toEqual(sortedHex(everyone.map((m) => m.identity.publicKey)));

    for (const sender of everyone) {
      await sendAndCheck(
        sender,
        everyone.filter((m) => m !== sender),
        `hello from ${sender.name}`,
      );
    }
  });

  it('reports who a commit added and removed', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol', 'dave']);
    const [bob, carol, dave] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]];
    const removal = await removeMembers(admin.state, [carol.identity.publicKey, dave.identity.publicKey], admin.suite);
    admin.state = removal.state;
    const seen = await processCommit(bob.state, removal.commit, policy, bob.suite);
    expect(seen.removedSelf).toBe(false);
    expect(seen.epoch).toBe(2n);
    expect(sortedHex(seen.removed)).toEqual(sortedHex([carol.identity.publicKey, dave.identity.publicKey]));
    expect(seen.added).toEqual([]);
    expect(sortedHex(seen.roster)).toEqual(sortedHex([admin.identity.publicKey, bob.identity.publicKey]));
  });

  it('rotateKeys advances the epoch for everyone and the conversation goes on', async () => {
    const { admin, members, policy, all } = await makeGroup(['bob', 'carol']);
    const before = epochOf(admin.state);
    const rotation = await rotateKeys(admin.state, admin.suite);
    admin.state = rotation.state;
    for (const m of members) {
      const result = await processCommit(m.state, rotation.commit, policy, m.suite);
      m.state = result.state;
      expect(result.epoch).toBe(before + 1n);
      expect(result.added).toEqual([]);
      expect(result.removed).toEqual([]);
    }
    for (const m of all) expect(epochOf(m.state)).toBe(before + 1n);
    await sendAndCheck(members[1]!, [admin, members[0]!], 'after rotation');
  });

  it('a removed member cannot decrypt anything sent after its removal', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol']);
    const [bob, carol] = members as [(typeof members)[0], (typeof members)[0]];
    const removal = await removeMembers(admin.state, [carol.identity.publicKey], admin.suite);
    admin.state = removal.state;
    bob.state = (await processCommit(bob.state, removal.commit, policy, bob.suite)).state;
    const carolSees = await processCommit(carol.state, removal.commit, policy, carol.suite);
    expect(carolSees.removedSelf).toBe(true);
    expect(isRemovedFromGroup(carolSees.state)).toBe(true);
    carol.state = carolSees.state;

    const afterRemoval = await sendAndCheck(admin, [bob], 'carol must not read this');
    await expectKizunaError(decryptApplication(carol.state, afterRemoval, carol.suite), 'ENVELOPE_WRONG_EPOCH');
    // Nor with the state she had before she processed her removal.
    await expectKizunaError(decryptApplication(carolSees.state, afterRemoval, carol.suite), 'ENVELOPE_WRONG_EPOCH');

    // Later epochs too: a rotation she cannot follow, and a message in it.
    const rotation = await rotateKeys(admin.state, admin.suite);
    admin.state = rotation.state;
    bob.state = (await processCommit(bob.state, rotation.commit, policy, bob.suite)).state;
    await expectKizunaError(processCommit(carol.state, rotation.commit, policy, carol.suite), 'GROUP_LEFT');
    const later = await sendAndCheck(bob, [admin], 'still secret');
    await expectKizunaError(decryptApplication(carol.state, later, carol.suite), 'ENVELOPE_WRONG_EPOCH');
    await expectKizunaError(encryptApplication(carol.state, text('let me in'), undefined, carol.suite), 'GROUP_LEFT');
  });

  it('a re-added member cannot decrypt what was sent while it was out', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol']);
    const [bob, carol] = members as [(typeof members)[0], (typeof members)[0]];
    const removal = await removeMembers(admin.state, [carol.identity.publicKey], admin.suite);
    admin.state = removal.state;
    bob.state = (await processCommit(bob.state, removal.commit, policy, bob.suite)).state;
    carol.state = (await processCommit(carol.state, removal.commit, policy, carol.suite)).state;

    const whileOut = await sendAndCheck(bob, [admin], 'sent while carol was out');

    const carolAgain = await addOne(admin, [bob], policy, 'carol', carol.identity, carol.suite);
    expect(epochOf(carolAgain.state)).toBe(3n);
    await expectKizunaError(decryptApplication(carolAgain.state, whileOut, carolAgain.suite), 'ENVELOPE_WRONG_EPOCH');
    await expectKizunaError(decryptApplication(carol.state, whileOut, carol.suite), 'ENVELOPE_WRONG_EPOCH');
    // She reads what is sent after she is back.
    await sendAndCheck(bob, [admin, carolAgain], 'welcome back');
  });

  it('a late message from the previous epoch still decrypts after the commit', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol']);
    const [bob, carol] = members as [(typeof members)[0], (typeof members)[0]];
    const late = await encryptApplication(bob.state, text('sent in epoch 1'), text('x'), bob.suite);
    bob.state = late.state;

    const rotation = await rotateKeys(admin.state, admin.suite);
    admin.state = rotation.state;
    for (const m of [bob, carol]) m.state = (await processCommit(m.state, rotation.commit, policy, m.suite)).state;

    for (const m of [admin, carol]) {
      const got = await decryptApplication(m.state, late.ciphertext, m.suite);
      m.state = got.state;
      expect(read(got.plaintext)).toBe('sent in epoch 1');
      expect(got.epoch).toBe(1n);
      expect(epochOf(got.state)).toBe(2n);
      expect(hex(got.senderIdentity)).toBe(hex(bob.identity.publicKey));
    }
    await sendAndCheck(carol, [admin, bob], 'and the current epoch still works');
  });

  it(`keeps past-epoch keys for exactly ${MLS_KEY_RETENTION.retainKeysForEpochs} epochs`, async () => {
    const { admin, members, policy } = await makeGroup(['bob']);
    const [bob] = members as [(typeof members)[0]];
    const sentAt: Uint8Array[] = [];
    const rounds = MLS_KEY_RETENTION.retainKeysForEpochs + 1;
    for (let i = 0; i < rounds; i++) {
      const sent = await encryptApplication(bob.state, text(`epoch ${epochOf(bob.state)}`), undefined, bob.suite);
      bob.state = sent.state;
      sentAt.push(sent.ciphertext);
      const rotation = await rotateKeys(admin.state, admin.suite);
      admin.state = rotation.state;
      bob.state = (await processCommit(bob.state, rotation.commit, policy, bob.suite)).state;
    }
    // The oldest is one epoch too old; the others are within the retention.
    await expectKizunaError(decryptApplication(admin.state, sentAt[0]!, admin.suite), 'ENVELOPE_WRONG_EPOCH');
    for (const ciphertext of sentAt.slice(1)) {
      const got = await decryptApplication(admin.state, ciphertext, admin.suite);
      admin.state = got.state;
      expect(read(got.plaintext)).toBe(`epoch ${got.epoch}`);
    }
  });

  it('reads messages out of order within an epoch, and refuses a replay', async () => {
    const { admin, members } = await makeGroup(['bob']);
    const [bob] = members as [(typeof members)[0]];
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await encryptApplication(bob.state, text(`m${i}`), undefined, bob.suite);
      bob.state = e.state;
      sent.push(e.ciphertext);
    }
    for (const i of [4, 0, 2, 1, 3]) {
      const got = await decryptApplication(admin.state, sent[i]!, admin.suite);
      admin.state = got.state;
      expect(read(got.plaintext)).toBe(`m${i}`);
    }
    await expectKizunaError(decryptApplication(admin.state, sent[2]!, admin.suite), 'DECRYPT_FAILED');
  });

  it('a commit from an epoch already applied, or one ahead, is ENVELOPE_WRONG_EPOCH', async () => {
    const { admin, members, policy } = await makeGroup(['bob']);
    const [bob] = members as [(typeof members)[0]];
    const first = await rotateKeys(admin.state, admin.suite);
    admin.state = first.state;
    const second = await rotateKeys(admin.state, admin.suite);
    admin.state = second.state;
    await expectKizunaError(processCommit(bob.state, second.commit, policy, bob.suite), 'ENVELOPE_WRONG_EPOCH');
    bob.state = (await processCommit(bob.state, first.commit, policy, bob.suite)).state;
    await expectKizunaError(processCommit(bob.state, first.commit, policy, bob.suite), 'ENVELOPE_WRONG_EPOCH');
    bob.state = (await processCommit(bob.state, second.commit, policy, bob.suite)).state;
    expect(epochOf(bob.state)).toBe(3n);
  });

  it('refuses to remove a non-member, the committer itself, or nobody', async () => {
    const { admin, members } = await makeGroup(['bob']);
    const outsider = (await makeGroup([])).admin.identity;
    await expectKizunaError(removeMembers(admin.state, [outsider.publicKey], admin.suite), 'GROUP_NOT_MEMBER');
    await expectKizunaError(removeMembers(admin.state, [admin.identity.publicKey], admin.suite), 'INVALID_INPUT');
    await expectKizunaError(removeMembers(admin.state, [], admin.suite), 'GROUP_MEMBERS_EMPTY');
    await expectKizunaError(
      removeMembers(admin.state, [members[0]!.identity.publicKey, members[0]!.identity.publicKey], admin.suite),
      'GROUP_DUPLICATE_MEMBERS',
    );
  });
});
