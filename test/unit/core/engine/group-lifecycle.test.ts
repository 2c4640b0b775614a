import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import type { EncryptionMode } from '../../../../shared/domain/views.js';
import type { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { userId } from '../../../helpers/test-engines.js';
import { createWorld, type TestWorld } from '../../../helpers/test-world.js';

describe.each<EncryptionMode>(['mls', 'sealed', 'none'])('group lifecycle (%s)', (mode) => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine, dave: Engine;
  let net: LoopbackNetwork;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol', 'dave');
    [alice, bob, carol, dave] = world.engines as [Engine, Engine, Engine, Engine];
    net = world.net;
  });
  afterEach(() => world.close());

  it('creates a group, invites, and members who accept can chat', async () => {
    const invited = bob.events.waitFor('invitation', (i) => i.state === 'pending');
    const g = await alice.createGroup({ name: 'Trip 🏔️', members: [userId(bob), userId(carol)], mode });
    expect(g.mode).toBe(mode);
    expect(g.isAdmin).toBe(true);
    await net.settle();
    const inv = await invited;
    expect(inv.groupId).toBe(g.groupId);
    expect(inv.groupName).toBe('Trip 🏔️');
    expect(bob.listInvitations().map((i) => i.groupId)).toEqual([g.groupId]);
    expect(bob.getGroup(g.groupId).myState).toBe('invited');

    await bob.acceptInvitation(g.groupId);
    await carol.acceptInvitation(g.groupId);
    await net.settle();
    expect(bob.getGroup(g.groupId).myState).toBe('joined');
    expect(carol.getGroup(g.groupId).myState).toBe('joined');

    const sent = await bob.sendText(g.groupId, 'hello everyone');
    await net.settle();
    const atAlice = alice.latestMessages(g.groupId, 10).messages;
    const atCarol = carol.latestMessages(g.groupId, 10).messages;
    expect(atAlice.map((m) => m.text)).toEqual(['hello everyone']);
    expect(atCarol.map((m) => m.id)).toEqual([sent.id]);
    expect(atCarol[0]?.senderName).toBe('bob');
    expect(bob.getMessage(sent.id).sendState).toBe('delivered');

    await alice.markRead(g.groupId);
    await carol.markRead(g.groupId);
    await net.settle();
    expect(bob.getMessage(sent.id).sendState).toBe('read');
    expect(bob.receipts(sent.id).map((r) => r.readerName).sort()).toEqual(['alice', 'carol']);
  });

  it('removes a member, who reads nothing sent afterwards', async () => {
    const g = await alice.createGroup({ name: 'Team', members: [userId(bob), userId(carol), userId(dave)], mode });
    await net.settle();
    for (const e of [bob, carol, dave]) await e.acceptInvitation(g.groupId);
    await net.settle();
    await alice.sendText(g.groupId, 'before');
    await net.settle();
    await alice.removeMembers(g.groupId, [userId(dave)]);
    await net.settle();
    expect(dave.getGroup(g.groupId).myState).toBe('removed');
    expect(alice.getGroup(g.groupId).members.map((m) => m.displayName).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(bob.getGroup(g.groupId).members.map((m) => m.displayName).sort()).toEqual(['alice', 'bob', 'carol']);
    await carol.sendText(g.groupId, 'after');
    await net.settle();
    expect(bob.latestMessages(g.groupId, 10).messages.map((m) => m.text)).toEqual(['before', 'after']);
    expect(dave.latestMessages(g.groupId, 10).messages.map((m) => m.text)).toEqual(['before']);
  });
});
