import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import type { CoreEventPayloads } from '../../../../shared/domain/core-events.js';
import { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { introduce, newUser, openProfile, tempDir } from '../../../helpers/test-engines.js';
import { createWorld, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

type Unread = CoreEventPayloads['unread'];

describe('what the core tells its hosts without being asked', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;
  let told: Unread[];

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    g = await joinedGroup(world, alice, [bob, carol], 'sealed');
    told = [];
    bob.events.on('unread', (u) => told.push(u));
  });
  afterEach(async () => {
    await world.close();
  });

  /** Waits for the tally to reach `expected` (the event is what the host sees; unreadCounts() must agree). */
  async function unreadBecomes(expected: Unread): Promise<void> {
    const same = (u: Unread): boolean => JSON.stringify(u) === JSON.stringify(expected);
    if (!told.some(same)) await bob.events.waitFor('unread', same);
    expect(bob.unreadCounts()).toEqual(expected);
  }

  it('our own send brings the group’s activity with its new last message, not the whole view', async () => {
    const views: string[] = [];
    alice.events.on('group', (v) => views.push(v.groupId));
    const seen = alice.events.waitFor('group-activity', (a) => a.groupId === g && a.lastMessage?.text === 'from alice');
    const sent = await alice.sendText(g, 'from alice');
    const activity = await seen;
    expect(activity.lastMessage?.id).toBe(sent.id);
    expect(activity.unreadCount).toBe(0);
    expect(activity.lastActivityAt).toBe(alice.getGroup(g).lastActivityAt);
    // Only what a message moves: no member list (a big group's would go to every UI with every message).
    expect(Object.keys(activity).sort()).toEqual(['groupId', 'lastActivityAt', 'lastMessage', 'unreadCount']);
    expect(views).toEqual([]);
  });

  it('a received message brings its group’s activity: the unread count and last message the full view has', async () => {
    const views: string[] = [];
    bob.events.on('group', (v) => views.push(v.groupId));
    const seen = bob.events.waitFor('group-activity', (a) => a.groupId === g && a.lastMessage?.text === 'from carol');
    const sent = await carol.sendText(g, 'from carol');
    await world.net.settle();
    const activity = await seen;
    const view = bob.getGroup(g);
    expect(activity).toEqual({ groupId: g, unreadCount: 1, lastActivityAt: view.lastActivityAt, lastMessage: view.lastMessage });
    expect(activity.lastMessage?.id).toBe(sent.id);
    expect(views).toEqual([]);
  });

  it('reading brings the group’s activity with nothing unread, not the whole view', async () => {
    await carol.sendText(g, 'read me');
    await world.net.settle();
    const views: string[] = [];
    bob.events.on('group', (v) => views.push(v.groupId));
    const seen = bob.events.waitFor('group-activity', (a) => a.groupId === g && a.unreadCount === 0);
    expect(await bob.markRead(g)).toBe(1);
    const activity = await seen;
    expect(activity.lastMessage?.text).toBe('read me');
    expect(bob.getGroup(g).unreadCount).toBe(0);
    expect(views).toEqual([]);
  });

  it('counts unread per group, leaves muted groups out of the total, and tells only changes', async () => {
    await alice.sendText(g, 'one');
    await alice.sendText(g, 'two');
    await world.net.settle();
    await unreadBecomes({ total: 2, groups: { [g]: 2 } });

    bob.setMuted(g, true);
    await unreadBecomes({ total: 0, groups: { [g]: 2 } });
    bob.setMuted(g, false);
    await unreadBecomes({ total: 2, groups: { [g]: 2 } });

    await bob.markRead(g);
    await unreadBecomes({ total: 0, groups: {} });
    const count = told.length;
    bob.setMuted(g, true); // nothing unread: the tally does not change, so nothing is told
    bob.setMuted(g, false);
    expect(told.length).toBe(count);

    await carol.sendText(g, 'three');
    await world.net.settle();
    await unreadBecomes({ total: 1, groups: { [g]: 1 } });
    await bob.leaveGroup(g);
    await unreadBecomes({ total: 0, groups: {} });
  });

});

describe('the unread tally after a restart', () => {
  it('starts from what the store holds when a profile is opened again', async () => {
    const dir = tempDir();
    const users = [];
    for (const name of ['alice', 'bob', 'carol']) users.push(await newUser(dir.path, name));
    const [alice, bob, carol] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    introduce(alice.engine, bob.engine, carol.engine);
    const net = new LoopbackNetwork();
    net.add(alice.engine, bob.engine, carol.engine);
    const world = { dir, net, engines: [alice.engine, bob.engine, carol.engine], close: async () => undefined };
    const g = await joinedGroup(world, alice.engine, [bob.engine, carol.engine], 'none');
    await alice.engine.sendText(g, 'while you were away');
    await net.settle();
    await bob.engine.close();
    const reopened = await openProfile(bob.profile);
    try {
      expect(reopened.unreadCounts()).toEqual({ total: 1, groups: { [g]: 1 } });
      expect(alice.engine.unreadCounts()).toEqual({ total: 0, groups: {} });
    } finally {
      await reopened.close();
      await alice.engine.close();
      await carol.engine.close();
      dir.cleanup();
    }
  });
});
