/**
 * A commit that removes one member must carry an update path (RFC 9420 §12.4): without one, the new
 * epoch's secrets derive from the old epoch's init secret, which the removed member holds, so it would
 * go on reading the group. ts-mls 2.0.0-rc.10 made exactly that mistake (single Remove or Update ⇒ no
 * path, and its receivers accept such commits); this test guards a future ts-mls upgrade against it by
 * checking the secrets themselves, not our wrapper's epoch bookkeeping.
 */
import { describe, expect, it } from 'vitest';
import { clientView } from '../../../../../main/core/crypto/mls/client-config.js';
import { processCommit, removeMembers } from '../../../../../main/core/crypto/mls/index.js';
import { hex, makeGroup } from './mls-test-kit.js';

describe('removing one member', () => {
  it('refreshes the committer path, and the removed member cannot compute the new epoch secrets', async () => {
    const { admin, members, policy } = await makeGroup(['bob', 'carol']);
    const [bob, carol] = members as [(typeof members)[0], (typeof members)[0]];
    const adminLeafKeyBefore = hex(leafHpkeKey(admin.state, 0));
    const removal = await removeMembers(admin.state, [carol.identity.publicKey], admin.suite);
    admin.state = removal.state;

    // The commit carried a path: the committer's leaf has a fresh HPKE key.
    expect(hex(leafHpkeKey(admin.state, 0))).not.toBe(adminLeafKeyBefore);

    bob.state = (await processCommit(bob.state, removal.commit, policy, bob.suite)).state;
    const newEpoch = hex(clientView(bob.state).keySchedule.epochAuthenticator);
    expect(hex(clientView(admin.state).keySchedule.epochAuthenticator)).toBe(newEpoch);

    // Whatever carol's processing leaves her with, it is not the new epoch's key schedule.
    const carolSees = await processCommit(carol.state, removal.commit, policy, carol.suite);
    expect(carolSees.removedSelf).toBe(true);
    expect(hex(clientView(carolSees.state).keySchedule.epochAuthenticator)).not.toBe(newEpoch);
    expect(hex(clientView(carolSees.state).keySchedule.senderDataSecret)).not.toBe(hex(clientView(bob.state).keySchedule.senderDataSecret));
  });
});

function leafHpkeKey(state: Parameters<typeof clientView>[0], leafIndex: number): Uint8Array {
  const node = clientView(state).ratchetTree[leafIndex * 2];
  if (node?.nodeType !== 'leaf') throw new Error(`no leaf at ${leafIndex}`);
  return node.leaf.hpkePublicKey;
}
