import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { engineContextOf } from '../../../../main/core/engine/engine-internals.js';
import { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { introduce, newUser, tempDir, userId } from '../../../helpers/test-engines.js';

/**
 * Issue 13: the rows every received envelope reads (its group, the sender's member row and record,
 * whether its sequence number is held) are kept between writes by the store. Each case here warms
 * those copies first, then changes the row, then sends what only a fresh read refuses or shows.
 */
describe('rows kept between writes on the receive path', () => {
  const dir = tempDir('kizuna-read-memos-');
  let alice: Engine, bob: Engine, carol: Engine, dave: Engine;
  let net: LoopbackNetwork;
  let g: string;

  beforeEach(async () => {
    // Fresh profiles per case (their folders must not collide).
    const run = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    [alice, bob, carol, dave] = (await Promise.all(['alice', 'bob', 'carol', 'dave'].map(async (n) => (await newUser(dir.path, `${n}-${run}`)).engine))) as [
      Engine, Engine, Engine, Engine];
    // Four, so that removing bob leaves the two members a group keeps besides its admin.
    introduce(alice, bob, carol, dave);
    net = new LoopbackNetwork();
    net.add(alice, bob, carol, dave);
    g = (await alice.createGroup({ name: 'kept rows', members: [bob, carol, dave].map(userId), mode: 'none' })).groupId;
    await net.settle();
    for (const e of [bob, carol, dave]) await e.acceptInvitation(g);
    await net.settle();
  });
  afterEach(async () => {
    for (const e of [alice, bob, carol, dave]) await e.close();
  });
  afterAll(() => dir.cleanup());

  const inboxRows = (e: Engine): number => (e.store.db.prepare('SELECT count(*) AS n FROM inbox').get() as { n: number }).n;
  const texts = (e: Engine): string[] => e.latestMessages(g, 100).messages.map((m) => m.text);
  const lastMessageFrom = (from: Engine): Uint8Array => {
    const sent = net.published.filter((p) => p.from === from && p.type === 'MESSAGE').at(-1);
    if (sent === undefined) throw new Error('nothing published');
    return sent.bytes;
  };

  it('refuses a removed member at admission although their rows were read before the removal', async () => {
    await bob.sendText(g, 'while a member');
    await net.settle();
    expect(texts(carol)).toContain('while a member');
    // Bob, cut off from the network, writes once more: past the cutoff the admin will sign.
    net.setOffline(bob, true);
    await bob.sendText(g, 'after removal');
    const late = bob.outbox.due(100).filter((j) => j.type === 'MESSAGE').at(-1)?.bytes;
    await alice.removeMembers(g, [userId(bob)]);
    await net.settle();
    expect(carol.getGroup(g).epoch).toBe(alice.getGroup(g).epoch);
    const refused = carol.events.waitFor('dropped', (d) => d.reason === 'sender-removed' && d.groupId === g);
    // A group row kept from before the removal (the old epoch, whose roster names bob) would let it in.
    expect(await carol.receive(late ?? new Uint8Array(0))).toBe(false);
    await refused;
    await carol.inbox.idle();
    expect(texts(carol)).not.toContain('after removal');
  });

  it('drops a replay in the same turn as its original, and settles one after it committed before the inbox', async () => {
    net.setOffline(carol, true);
    await alice.sendText(g, 'once');
    await net.settle();
    const bytes = lastMessageFrom(alice);
    const replaysBefore = carol.stats().dropped['replay'] ?? 0;
    // Both copies pass admission before either is stored: the inbox decides them in one batch.
    const both = Promise.all([carol.receive(bytes), carol.receive(bytes)]);
    expect(await both).toEqual([true, true]);
    await carol.inbox.idle();
    expect(texts(carol)).toEqual(['once']);
    expect(carol.stats().dropped['replay']).toBe(replaysBefore + 1);
    // Now held: a third copy must be seen as held (the bound on held numbers rose with the append).
    const rows = inboxRows(carol);
    const settled = carol.events.waitFor('dropped', (d) => d.reason === 'replay');
    expect(await carol.receive(bytes)).toBe(true);
    await settled;
    await carol.inbox.idle();
    expect(inboxRows(carol)).toBe(rows);
    expect(carol.stats().dropped['replay']).toBe(replaysBefore + 2);
    expect(texts(carol)).toEqual(['once']);
  });

  it('shows a member under the name their group record has now, not the one read for an earlier message', async () => {
    const first = carol.events.waitFor('message', (m) => m.text === 'hello');
    await bob.sendText(g, 'hello');
    await net.settle();
    expect((await first).senderName).toBe(bob.getIdentity()?.displayName);
    // A newer admin-signed version renames bob's record in this group.
    const store = engineContextOf(carol).store;
    const gid = new Uint8Array(Buffer.from(g, 'base64url'));
    const record = store.read.groups.memberRecord(gid, new Uint8Array(Buffer.from(userId(bob), 'base64url')));
    if (record === undefined) throw new Error('no record for bob');
    store.write.groups.recordMembers(gid, [{ ...record, displayName: 'Robert' }], 1);
    const second = carol.events.waitFor('message', (m) => m.text === 'again');
    await bob.sendText(g, 'again');
    await net.settle();
    expect((await second).senderName).toBe('Robert');
    expect(carol.latestMessages(g, 10).messages.map((m) => m.senderName)).toEqual(['Robert', 'Robert']);
  });

  it('forgets what a rolled-back transaction read or raised, and sees member changes at once', () => {
    const store = engineContextOf(carol).store;
    const gid = new Uint8Array(Buffer.from(g, 'base64url'));
    const bobId = new Uint8Array(Buffer.from(userId(bob), 'base64url'));
    const stranger = new Uint8Array(32).fill(7);
    const before = store.read.groups.get(gid);
    expect(() =>
      store.transaction(() => {
        store.write.groups.setEpoch(gid, 99);
        store.write.log.append({ groupId: gid, sender: stranger, seq: 3, epoch: 0, type: 'MESSAGE', envelopeId: new Uint8Array(32).fill(8), bytes: new Uint8Array(1), receivedAt: 1 });
        // Read inside the transaction: what it wrote, not yet committed.
        expect(store.read.groups.get(gid)?.epoch).toBe(99);
        expect(store.read.log.heldId(gid, stranger, 3)).toBeDefined();
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(store.read.groups.get(gid)?.epoch).toBe(before?.epoch);
    expect(store.read.log.heldId(gid, stranger, 3)).toBeUndefined();
    // Held, then cut after: gone; a lower number appended later is found.
    store.write.log.append({ groupId: gid, sender: stranger, seq: 5, epoch: 0, type: 'MESSAGE', envelopeId: new Uint8Array(32).fill(9), bytes: new Uint8Array(1), receivedAt: 1 });
    expect(store.read.log.heldId(gid, stranger, 5)).toBeDefined();
    store.write.log.cutAfter(gid, stranger, 4);
    expect(store.read.log.heldId(gid, stranger, 5)).toBeUndefined();
    store.write.log.append({ groupId: gid, sender: stranger, seq: 4, epoch: 0, type: 'MESSAGE', envelopeId: new Uint8Array(32).fill(10), bytes: new Uint8Array(1), receivedAt: 1 });
    expect(store.read.log.heldId(gid, stranger, 4)).toBeDefined();
    // A member's row: its status, then its removal, seen by the next read.
    const status = store.read.groups.member(gid, bobId)?.status;
    const other = status === 'joined' ? 'invited' : 'joined';
    store.write.groups.setMemberStatus(gid, bobId, other);
    expect(store.read.groups.member(gid, bobId)?.status).toBe(other);
    const others = store.read.groups.members(gid).filter((m) => !Buffer.from(m.userId).equals(bobId));
    store.write.groups.replaceMembers(gid, others.map((m) => ({ userId: m.userId, role: m.role, status: m.status, sinceVersion: m.sinceVersion })));
    expect(store.read.groups.member(gid, bobId)).toBeUndefined();
  });
});
