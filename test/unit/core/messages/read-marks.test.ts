import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { createWorldWithClocks, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

/**
 * Per-message read marks (issue 11/9): reading marks exactly the messages the user saw, receipts go
 * out for those, and a message that arrives late with an older send time is not read until it is.
 */
describe('read marks per message', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;
  let clock = Date.UTC(2026, 11, 5, 9, 0, 0);

  beforeEach(async () => {
    clock = Date.UTC(2026, 11, 5, 9, 0, 0);
    const now = (): number => clock;
    world = await createWorldWithClocks(['alice', 'bob', 'carol'], { alice: now, bob: now, carol: now });
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    g = await joinedGroup(world, alice, [bob, carol], 'sealed');
  });
  afterEach(async () => {
    await world.close();
  });

  const readers = (e: Engine, messageId: string): string[] => e.receipts(messageId).map((r) => r.readerName).sort();

  it('marks read exactly the messages given, and only those are receipted', async () => {
    clock += 1000;
    const a = await alice.sendText(g, 'seen');
    clock += 1000;
    const b = await alice.sendText(g, 'not seen yet');
    await world.net.settle();
    expect(bob.getGroup(g).unreadCount).toBe(2);

    // Unknown, our own, and already-read ids are ignored; the seen one counts once.
    const own = await bob.sendText(g, 'mine');
    expect(await bob.markRead(g, undefined, [a.id, a.id, own.id])).toBe(1);
    expect(await bob.markRead(g, undefined, [a.id])).toBe(0);
    expect(bob.getGroup(g).unreadCount).toBe(1);
    await world.net.settle();
    expect(readers(alice, a.id)).toEqual(['bob']);
    expect(readers(alice, b.id)).toEqual([]);

    expect(await bob.markRead(g)).toBe(1);
    await world.net.settle();
    expect(readers(alice, b.id)).toEqual(['bob']);
    expect(bob.getGroup(g).unreadCount).toBe(0);
  });

  it('marks only the named unread messages of this group, with few or many unread', async () => {
    const other = await joinedGroup(world, alice, [bob, carol], 'none');
    const elsewhere = await alice.sendText(other, 'in another chat');
    // 70 unread: naming one id is past the unread index's bound (4 per id + 64), naming all of them within it.
    const sent = [];
    for (let i = 0; i < 70; i++) {
      clock += 1;
      sent.push(await alice.sendText(g, `unread ${i}`));
    }
    await world.net.settle();
    expect(bob.getGroup(g).unreadCount).toBe(70);
    expect(await bob.markRead(g, undefined, [sent[3]!.id, elsewhere.id])).toBe(1);
    expect(bob.getGroup(other).unreadCount).toBe(1);
    const named = [...sent.slice(0, 40), elsewhere].map((m) => m.id);
    expect(await bob.markRead(g, undefined, named)).toBe(39);
    expect(bob.getGroup(g).unreadCount).toBe(30);
    expect(bob.getGroup(other).unreadCount).toBe(1);
    expect(await bob.markRead(g, undefined, sent.map((m) => m.id))).toBe(30);
    expect(bob.getGroup(g).unreadCount).toBe(0);
  });

  it('a message that arrives after a read with an older time stays unread until read, then its sender sees it read', async () => {
    world.net.setOffline(carol, true);
    clock += 1000;
    const late = await carol.sendText(g, 'written while offline');
    clock += 1000;
    await alice.sendText(g, 'newer');
    await world.net.settle();
    expect(await bob.markRead(g)).toBe(1);
    expect(await alice.markRead(g)).toBe(0);

    // Carol comes back: her older message reaches bob after he read everything newer.
    clock += 1000;
    world.net.setOffline(carol, false);
    await world.net.settle();
    expect(bob.getGroup(g).unreadCount).toBe(1);
    expect(bob.unreadCounts()).toEqual({ total: 1, groups: { [g]: 1 } });
    expect(carol.getMessage(late.id).sendState).toBe('delivered');

    expect(await bob.markRead(g)).toBe(1);
    expect(await alice.markRead(g)).toBe(1);
    await world.net.settle();
    expect(bob.getGroup(g).unreadCount).toBe(0);
    expect(readers(carol, late.id)).toEqual(['alice', 'bob']);
    expect(carol.getMessage(late.id).sendState).toBe('read');
  });
});
