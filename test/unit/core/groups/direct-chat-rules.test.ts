import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { validateCreateVersion, validateNextVersion } from '../../../../main/core/groups/group-validation.js';
import type { GroupVersion, WireMember } from '../../../../main/core/wire/wire-schemas.js';
import { expectCode } from '../../../helpers/expect-code.js';
import type { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { userId } from '../../../helpers/test-engines.js';
import { createWorld, type TestWorld } from '../../../helpers/test-world.js';

/** Direct chats: two people, exempt from the three-person minimum only because they are direct. */
describe('direct chats', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let net: LoopbackNetwork;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    net = world.net;
  });
  afterEach(() => world.close());

  it('has exactly one other person, and a group still needs two', async () => {
    await expectCode(alice.createGroup({ name: '', members: [], direct: true }), 'GROUP_DIRECT_ONE_MEMBER');
    await expectCode(alice.createGroup({ name: '', members: [userId(bob), userId(carol)], direct: true }), 'GROUP_DIRECT_ONE_MEMBER');
    await expectCode(alice.createGroup({ name: 'g', members: [userId(bob)] }), 'GROUP_TOO_FEW_MEMBERS');
    expect(alice.listGroups()).toEqual([]);
  });

  for (const mode of ['mls', 'sealed', 'none'] as const) {
    it(`chats one to one in ${mode} mode, and nobody joins or is removed`, async () => {
      const d = await alice.createGroup({ name: '', members: [userId(bob)], mode, direct: true });
      expect(d.direct).toBe(true);
      expect(d.name).toBe('alice & bob');
      // Starting a chat with bob again opens this one.
      expect((await alice.createGroup({ name: '', members: [userId(bob)], mode, direct: true })).groupId).toBe(d.groupId);
      await net.settle();
      expect(bob.listInvitations().map((i) => i.groupId)).toEqual([d.groupId]);
      await bob.acceptInvitation(d.groupId);
      await net.settle();
      expect(bob.getGroup(d.groupId).direct).toBe(true);
      expect(bob.getGroup(d.groupId).members.map((m) => m.displayName).sort()).toEqual(['alice', 'bob']);

      const hello = await alice.sendText(d.groupId, 'hello bob');
      await net.settle();
      await bob.sendText(d.groupId, 'hi alice', hello.id);
      await net.settle();
      expect(alice.latestMessages(d.groupId, 5).messages.map((m) => [m.text, m.replyTo])).toEqual([['hello bob', null], ['hi alice', hello.id]]);
      expect(bob.search('hello').map((m) => m.text)).toEqual(['hello bob']);

      await expectCode(alice.addMembers(d.groupId, [userId(carol)]), 'GROUP_DIRECT_MEMBERS_FIXED');
      await expectCode(alice.removeMembers(d.groupId, [userId(bob)]), 'GROUP_DIRECT_MEMBERS_FIXED');
      // Either may still leave it (the other person) or delete it (the creator).
      await bob.leaveGroup(d.groupId);
      await net.settle();
      expect(alice.getGroup(d.groupId).members.map((m) => m.displayName)).toEqual(['alice']);
      await alice.deleteGroup(d.groupId);
      expect((await alice.createGroup({ name: '', members: [userId(bob)], mode, direct: true })).groupId).not.toBe(d.groupId);
    });
  }
});

/** What a modified admin client could sign: every member refuses it. */
describe('direct chat versions from others', () => {
  const key = (n: number): Uint8Array => new Uint8Array(32).fill(n);
  const member = (n: number): WireMember => ({ userId: key(n), boxKey: key(n + 100), displayName: `m${n}`, slimName: `org/ns/m${n}` });
  const v0: GroupVersion = {
    groupId: new Uint8Array(0), version: 0, kind: 'CREATE', name: 'a & b', creator: member(1), createdAt: 1, updatedAt: 1,
    members: [member(2)], mode: 'NONE', avatar: new Uint8Array(0), avatarMime: '', prevHash: new Uint8Array(0), epoch: 0,
    secretCommitment: new Uint8Array(0), nonce: key(9).slice(0, 16), affected: [], cutoffs: [], direct: true,
  };
  const gid = key(50);
  const hash = key(51);
  const next = (over: Partial<GroupVersion>): GroupVersion => ({ ...v0, groupId: gid, version: 1, prevHash: hash, nonce: new Uint8Array(0), updatedAt: 2, ...over });

  it('refuses a direct creation with more than one member', () => {
    expect(() => validateCreateVersion({ ...v0, members: [member(2), member(3)] }, key(1))).toThrow(expect.objectContaining({ code: 'GROUP_DIRECT_ONE_MEMBER' }));
    expect(() => validateCreateVersion(v0, key(1))).not.toThrow();
  });

  it('refuses adding to a direct chat, and turning it into a group', () => {
    expect(() => validateNextVersion(v0, hash, gid, next({ kind: 'ADD_MEMBERS', members: [member(2), member(3)], affected: [key(3)], epoch: 1 }), key(1)))
      .toThrow(expect.objectContaining({ code: 'GROUP_DIRECT_MEMBERS_FIXED' }));
    expect(() => validateNextVersion(v0, hash, gid, next({ kind: 'ADD_MEMBERS', members: [member(2), member(3)], affected: [key(3)], epoch: 1, direct: false }), key(1)))
      .toThrow(expect.objectContaining({ code: 'GROUP_VERSION_INVALID' }));
    expect(() => validateNextVersion(v0, hash, gid, next({ kind: 'RENAME', name: 'renamed' }), key(1))).not.toThrow();
  });
});
