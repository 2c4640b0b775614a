import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { expectCode } from '../../../helpers/expect-code.js';
import type { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { newUser, userId } from '../../../helpers/test-engines.js';
import { createWorld, type TestWorld } from '../../../helpers/test-world.js';

/** Every create and update rule of seeds 003/004, as the local user meets them. */
describe('group rules', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine, dave: Engine;
  let net: LoopbackNetwork;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol', 'dave');
    [alice, bob, carol, dave] = world.engines as [Engine, Engine, Engine, Engine];
    net = world.net;
  });
  afterEach(() => world.close());

  const two = (): string[] => [userId(bob), userId(carol)];

  it('checks the name: 1..50 characters, counted as characters', async () => {
    await expectCode(alice.createGroup({ name: '', members: two() }), 'GROUP_NAME_EMPTY');
    await expectCode(alice.createGroup({ name: '   ', members: two() }), 'GROUP_NAME_EMPTY');
    await expectCode(alice.createGroup({ name: 'x'.repeat(51), members: two() }), 'GROUP_NAME_TOO_LONG');
    // 50 family emoji are 50 characters (and 550 UTF-16 units): allowed.
    const family = '👨‍👩‍👧‍👦'.repeat(50);
    const g = await alice.createGroup({ name: family, members: two(), mode: 'none' });
    expect(g.name).toBe(family);
    await expectCode(alice.createGroup({ name: `${family}a`, members: two() }), 'GROUP_NAME_TOO_LONG');
    expect((await alice.createGroup({ name: 'y'.repeat(50), members: two(), mode: 'none' })).name).toHaveLength(50);
  });

  it('checks the members: two or more, not the creator, no duplicates, no blocked, known', async () => {
    await expectCode(alice.createGroup({ name: 'g', members: [userId(bob)] }), 'GROUP_TOO_FEW_MEMBERS');
    await expectCode(alice.createGroup({ name: 'g', members: [] }), 'GROUP_TOO_FEW_MEMBERS');
    await expectCode(alice.createGroup({ name: 'g', members: [userId(bob), userId(alice)] }), 'GROUP_CREATOR_IN_MEMBERS');
    await expectCode(alice.createGroup({ name: 'g', members: [userId(bob), userId(bob)] }), 'GROUP_DUPLICATE_MEMBERS');
    await expectCode(alice.createGroup({ name: 'g', members: [userId(bob), 'bad'] }), 'INVALID_INPUT');
    alice.blockContact({ userId: userId(carol) });
    await expectCode(alice.createGroup({ name: 'g', members: two() }), 'CONTACT_BLOCKED');
    const { engine: stranger } = await newUser(world.dir.path, 'stranger');
    await expectCode(alice.createGroup({ name: 'g', members: [userId(bob), userId(stranger)] }), 'CONTACT_NOT_FOUND');
    await stranger.close();
    await expectCode(alice.createGroup({ name: 'g', members: [userId(bob), userId(dave)], mode: 'bogus' as never }), 'ENCRYPTION_MODE_INVALID');
    expect(alice.listGroups()).toEqual([]);
  });

  it('lets only the admin add, remove and rename, with the update rules', async () => {
    const g = await alice.createGroup({ name: 'Team', members: two(), mode: 'sealed' });
    await net.settle();
    await bob.acceptInvitation(g.groupId);
    await carol.acceptInvitation(g.groupId);
    await net.settle();

    await expectCode(bob.addMembers(g.groupId, [userId(dave)]), 'NOT_GROUP_ADMIN');
    await expectCode(bob.removeMembers(g.groupId, [userId(carol)]), 'NOT_GROUP_ADMIN');
    await expectCode(bob.renameGroup(g.groupId, 'Mine'), 'NOT_GROUP_ADMIN');
    await expectCode(bob.deleteGroup(g.groupId), 'NOT_GROUP_ADMIN');

    await expectCode(alice.renameGroup(g.groupId, 'Team'), 'GROUP_NAME_UNCHANGED');
    await expectCode(alice.renameGroup(g.groupId, ' Team '), 'GROUP_NAME_UNCHANGED');
    await expectCode(alice.renameGroup(g.groupId, ''), 'GROUP_NAME_EMPTY');
    await expectCode(alice.renameGroup(g.groupId, 'z'.repeat(51)), 'GROUP_NAME_TOO_LONG');
    await expectCode(alice.addMembers(g.groupId, []), 'GROUP_MEMBERS_EMPTY');
    await expectCode(alice.addMembers(g.groupId, [userId(bob)]), 'GROUP_ALREADY_MEMBER');
    await expectCode(alice.addMembers(g.groupId, [userId(alice)]), 'GROUP_CREATOR_IN_MEMBERS');
    await expectCode(alice.removeMembers(g.groupId, []), 'GROUP_MEMBERS_EMPTY');
    await expectCode(alice.removeMembers(g.groupId, [userId(dave)]), 'GROUP_NOT_MEMBER');
    await expectCode(alice.removeMembers(g.groupId, [userId(bob)]), 'GROUP_REMOVE_BELOW_MINIMUM');
    alice.blockContact({ userId: userId(dave) });
    await expectCode(alice.addMembers(g.groupId, [userId(dave)]), 'CONTACT_BLOCKED');
    alice.unblockContact(userId(dave));
    alice.addContact(dave.getIdentity()?.card ?? '');

    const renamed = await alice.renameGroup(g.groupId, 'Renamed');
    expect(renamed.name).toBe('Renamed');
    await alice.addMembers(g.groupId, [userId(dave)]);
    await net.settle();
    expect(bob.getGroup(g.groupId).name).toBe('Renamed');
    expect(bob.getGroup(g.groupId).members.map((m) => m.displayName).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(dave.listInvitations()[0]?.groupName).toBe('Renamed');
    await dave.acceptInvitation(g.groupId);
    await alice.removeMembers(g.groupId, [userId(bob)]);
    await net.settle();
    // Each side's group list after add then remove.
    expect(bob.getGroup(g.groupId).myState).toBe('removed');
    expect(carol.getGroup(g.groupId).members.map((m) => m.displayName).sort()).toEqual(['alice', 'carol', 'dave']);
    expect(dave.listGroups().map((x) => x.name)).toEqual(['Renamed']);
  });

  it('leaves, declines and deletes', async () => {
    const g = await alice.createGroup({ name: 'Club', members: [userId(bob), userId(carol), userId(dave)], mode: 'mls' });
    await net.settle();
    await bob.acceptInvitation(g.groupId);
    await carol.acceptInvitation(g.groupId);
    dave.declineInvitation(g.groupId);
    await net.settle();
    expect(alice.getGroup(g.groupId).members.map((m) => m.displayName).sort()).toEqual(['alice', 'bob', 'carol']);
    // A declined invitation leaves no group behind (it was only ever a proposal: issue 8, class 1).
    expect(() => dave.getGroup(g.groupId)).toThrow(expect.objectContaining({ code: 'GROUP_NOT_FOUND' }));
    expect(dave.listInvitations()).toEqual([]);
    await expectCode(() => dave.declineInvitation(g.groupId), 'INVITATION_NOT_FOUND');

    await expectCode(alice.leaveGroup(g.groupId), 'ADMIN_CANNOT_LEAVE');
    await bob.leaveGroup(g.groupId);
    await net.settle();
    expect(bob.getGroup(g.groupId).myState).toBe('left');
    expect(alice.getGroup(g.groupId).members.map((m) => m.displayName).sort()).toEqual(['alice', 'carol']);
    await expectCode(bob.sendText(g.groupId, 'still here?'), 'GROUP_LEFT');

    await carol.sendText(g.groupId, 'bye bob');
    await net.settle();
    expect(alice.latestMessages(g.groupId, 5).messages.map((m) => m.text)).toEqual(['bye bob']);
    expect(bob.latestMessages(g.groupId, 5).messages).toEqual([]);

    const closed = await alice.deleteGroup(g.groupId);
    expect(closed.myState).toBe('closed');
    await net.settle();
    expect(carol.getGroup(g.groupId).myState).toBe('closed');
    await expectCode(carol.sendText(g.groupId, 'anyone?'), 'GROUP_CLOSED');
    await expectCode(alice.renameGroup(g.groupId, 'Again'), 'GROUP_CLOSED');
    // History stays readable.
    expect(carol.latestMessages(g.groupId, 5).messages.map((m) => m.text)).toEqual(['bye bob']);
  });
});
