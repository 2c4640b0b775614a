import { describe, expect, it } from 'vitest';
import type { CoreProcess } from '../../helpers/core-process.js';
import { joinedGroup, peoplePerTest, userIdOf } from './group-fixture.js';
import { timeline } from './delivery-truth.js';

const BURST = 250;

/** Bob's messages (seq → text) as one member's store holds them. */
async function bobsAt(p: CoreProcess, groupId: string): Promise<Map<number, string>> {
  return new Map((await timeline(p, groupId)).filter((m) => m.senderName === 'bob').map((m) => [m.seq, m.text]));
}

/**
 * Issue 13 (B): the admin removes a member right after that member sent a burst. The admin signs a
 * cutoff (the contiguous run of the member's envelopes it holds, removal-cutoffs.ts): everything up to
 * it is the group's, everything after is refused everywhere. After the removal converges every
 * remaining member holds the same messages, exactly seq 1..cutoff, and the removed sender shows the
 * rest as refused: none left pending, none shown as delivered.
 */
describe('a removal racing a burst', () => {
  const start = peoplePerTest();

  // The removal lands early in the burst, or half way through it.
  it.each([1, BURST / 2])(`removed once %i reached the admin: every member keeps exactly bob's messages up to the cutoff, and bob shows the rest refused`, async (reached) => {
    const { alice, bob, carol, dave } = (await start(['alice', 'bob', 'carol', 'dave'])) as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!, dave!], 'mls');
    const bobId = await userIdOf(bob!);
    await Promise.all(Array.from({ length: BURST }, (_, i) => bob!.invoke('messages.sendText', { groupId, text: `b${i}` })));
    // Alice removes bob once part of the burst reached her: the rest is in flight.
    await alice!.until(() => bobsAt(alice!, groupId), (m) => m.size >= reached, 30_000, 'part of the burst at alice');
    await alice!.invoke('groups.removeMembers', { groupId, members: [bobId] });
    const version = (await alice!.invoke('groups.get', { groupId })).version;
    for (const p of [carol!, dave!]) {
      await p.until(() => p.invoke('groups.get', { groupId }), (g) => g.version >= version && !g.members.some((m) => m.userId === bobId), 30_000, 'removal');
    }
    await bob!.until(() => bob!.invoke('groups.get', { groupId }), (g) => g.myState === 'removed', 30_000, 'bob removed');

    // Bob's outbox settles: every message either delivered (kept by the group) or refused (past the cutoff).
    const mine = await bob!.until(
      async () => (await timeline(bob!, groupId)).filter((m) => m.isMine),
      (ms) => ms.length === BURST && ms.every((m) => m.sendState === 'delivered' || m.sendState === 'read' || (m.sendState === 'failed' && m.failure?.reason === 'refused')),
      60_000,
      "bob's outbox settled",
    );
    const refused = mine.filter((m) => m.sendState === 'failed').map((m) => m.seq).sort((a, b) => a - b);
    const kept = mine.filter((m) => m.sendState !== 'failed').map((m) => m.seq).sort((a, b) => a - b);
    const cutoff = kept.length;
    // The kept ones are a contiguous run from 1 (the cutoff is a contiguous run), the refused ones all after it.
    expect(kept).toEqual(Array.from({ length: cutoff }, (_, i) => i + 1));
    expect(refused).toEqual(Array.from({ length: BURST - cutoff }, (_, i) => cutoff + i + 1));
    for (const m of mine.filter((x) => x.sendState === 'failed')) expect(m.failure?.retryable).toBe(false);

    // Every remaining member holds exactly seq 1..cutoff of bob's (waiting for the ones still on their way in).
    const expected = new Map(mine.filter((m) => m.seq <= cutoff).map((m) => [m.seq, m.text]));
    for (const p of [alice!, carol!, dave!]) {
      const held = await p.until(() => bobsAt(p, groupId), (m) => m.size >= cutoff, 30_000, `${p.name} holds bob's first ${cutoff}`);
      expect([...held.entries()].sort((a, b) => a[0] - b[0])).toEqual([...expected.entries()].sort((a, b) => a[0] - b[0]));
    }
    // Nothing past the cutoff comes later either: a catch-up round at each member serves nothing more.
    for (const p of [alice!, carol!, dave!]) {
      await p.until(() => p.invoke('connection.status', {}), (s) => s.state === 'online', 30_000, 'nothing left to sync');
      expect((await bobsAt(p, groupId)).size).toBe(cutoff);
      // Nobody read anything: the chat list's unread count is what is held, not what was let go.
      expect((await p.invoke('groups.get', { groupId })).unreadCount).toBe(cutoff);
    }
  }, 240_000);
});
