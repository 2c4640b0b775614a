import { describe, expect, it } from 'vitest';
import type { CoreProcess } from '../../helpers/core-process.js';
import { allTexts, peoplePerTest, userIdOf, waitOnline } from './group-fixture.js';

/**
 * Issue 11: direct chats converge. Engines in their own processes over a real SLIM node: a second
 * "New chat" joins the waiting invitation, two chats started offline become one (the id that sorts
 * first), and what the creator wrote before the invitee accepted reaches the invitee.
 */
describe('direct chats that converge', () => {
  const start = peoplePerTest();

  const texts = async (p: CoreProcess, groupId: string): Promise<string[]> => (await allTexts(p, groupId)).map((t) => t.text);

  it('delivers what the creator wrote before the invitee accepted, in every mode', async () => {
    const people = await start(['alice', 'bob']);
    const { alice, bob } = people as { alice: CoreProcess; bob: CoreProcess };
    const bobId = await userIdOf(bob);
    for (const mode of ['mls', 'sealed', 'none'] as const) {
      const invited = bob.waitFor('invitation', (i) => i.state === 'pending' && i.mode === mode, 20_000);
      const d = await alice.invoke('groups.create', { name: '', members: [bobId], mode, direct: true });
      await alice.invoke('messages.sendText', { groupId: d.groupId, text: `early 1 (${mode})` });
      const early = await alice.invoke('messages.sendText', { groupId: d.groupId, text: `early 2 (${mode})` });
      await invited;
      await bob.invoke('invitations.accept', { groupId: d.groupId });
      await bob.until(() => texts(bob, d.groupId), (t) => t.includes(`early 2 (${mode})`), 30_000, `early messages (${mode})`);
      await alice.invoke('messages.sendText', { groupId: d.groupId, text: `later (${mode})` });
      await bob.until(() => texts(bob, d.groupId), (t) => t.includes(`later (${mode})`), 30_000, `later message (${mode})`);
      // Each once, in the order written, and the same on both sides.
      expect(await texts(bob, d.groupId)).toEqual([`early 1 (${mode})`, `early 2 (${mode})`, `later (${mode})`]);
      expect(await texts(alice, d.groupId)).toEqual(await texts(bob, d.groupId));
      // Bob reading it turns alice's early message read (in MLS bob read the copy sent for him).
      const read = alice.waitFor('send-state', (s) => s.messageId === early.id && s.state === 'read', 30_000);
      const atBob = await bob.invoke('messages.latest', { groupId: d.groupId, limit: 10 });
      await bob.invoke('messages.markRead', { groupId: d.groupId, upTo: Math.max(...atBob.messages.map((m) => m.sentAt)) });
      await read;
    }
  }, 240_000);

  it('joins the waiting invitation when the invitee starts a direct chat with the inviter', async () => {
    const people = await start(['alice', 'bob']);
    const { alice, bob } = people as { alice: CoreProcess; bob: CoreProcess };
    const [aliceId, bobId] = [await userIdOf(alice), await userIdOf(bob)];
    const invited = bob.waitFor('invitation', (i) => i.state === 'pending', 20_000);
    const d = await alice.invoke('groups.create', { name: '', members: [bobId], mode: 'mls', direct: true });
    await invited;
    const atBob = await bob.invoke('groups.create', { name: '', members: [aliceId], mode: 'mls', direct: true });
    expect(atBob.groupId).toBe(d.groupId);
    expect(await bob.invoke('invitations.list', {})).toEqual([]);
    await bob.until(() => bob.invoke('groups.get', { groupId: d.groupId }), (g) => g.myState === 'joined', 30_000, 'bob joined');
    expect((await bob.invoke('groups.list', {})).map((g) => g.groupId)).toEqual([d.groupId]);
    const incoming = alice.waitFor('message', (m) => m.groupId === d.groupId && m.text === 'hi alice', 20_000);
    await bob.invoke('messages.sendText', { groupId: d.groupId, text: 'hi alice' });
    await incoming;
  }, 120_000);

  it.each(['mls', 'sealed'] as const)('two direct chats started offline become the one whose id sorts first, with every message once (%s)', async (mode) => {
    const people = await start(['alice', 'bob']);
    const { alice, bob } = people as { alice: CoreProcess; bob: CoreProcess };
    const [aliceId, bobId] = [await userIdOf(alice), await userIdOf(bob)];
    // Each starts a chat and writes in it while the other is away: neither has the other's invitation.
    await bob.close();
    const a = await alice.invoke('groups.create', { name: '', members: [bobId], mode, direct: true });
    await alice.invoke('messages.sendText', { groupId: a.groupId, text: 'from alice 1' });
    await alice.invoke('messages.sendText', { groupId: a.groupId, text: 'from alice 2' });
    await alice.close();
    await bob.start();
    await waitOnline(bob);
    const b = await bob.invoke('groups.create', { name: '', members: [aliceId], mode, direct: true });
    expect(b.groupId).not.toBe(a.groupId);
    await bob.invoke('messages.sendText', { groupId: b.groupId, text: 'from bob 1' });
    await bob.invoke('messages.sendText', { groupId: b.groupId, text: 'from bob 2' });
    await alice.start();

    const kept = [a.groupId, b.groupId].sort()[0] ?? '';
    const merged = kept === a.groupId ? b.groupId : a.groupId;
    const all = ['from alice 1', 'from alice 2', 'from bob 1', 'from bob 2'];
    for (const p of [alice, bob]) {
      // The other's invitation may not have come yet: until then the kept chat is unknown here.
      const keptView = () => p.invoke('groups.get', { groupId: kept }).catch(() => undefined);
      await p.until(keptView, (g) => g?.myState === 'joined' && g.members.every((m) => m.status === 'joined'), 60_000, 'both in the kept chat');
      await p.until(() => texts(p, kept), (t) => all.every((x) => t.includes(x)), 60_000, 'every message in the kept chat');
    }
    for (const p of [alice, bob]) {
      const list = await p.invoke('groups.list', {});
      expect(list.map((g) => g.groupId)).toEqual([kept]);
      expect(await p.invoke('invitations.list', {})).toEqual([]);
      const loser = await p.invoke('groups.get', { groupId: merged }).catch(() => undefined);
      if (loser !== undefined) expect(loser.mergedInto).toBe(kept);
    }
    // Settle: anything still in flight would show as a duplicate.
    await alice.idle();
    await bob.idle();
    const atAlice = await texts(alice, kept);
    expect([...atAlice].sort()).toEqual(all);
    expect([...(await texts(bob, kept))].sort()).toEqual(all);
    // Each side's own order holds.
    expect(atAlice.indexOf('from bob 1')).toBeLessThan(atAlice.indexOf('from bob 2'));
    expect(atAlice.indexOf('from alice 1')).toBeLessThan(atAlice.indexOf('from alice 2'));

    // Both restart (reconciliation and carrying run again on open): still one chat, every message once.
    for (const p of [alice, bob]) {
      await p.close();
      await p.start();
      await waitOnline(p);
    }
    await alice.invoke('messages.sendText', { groupId: kept, text: 'after restart' });
    for (const p of [alice, bob]) {
      await p.until(() => texts(p, kept), (t) => t.includes('after restart'), 60_000, 'the message after restart');
      await p.idle();
      expect([...(await texts(p, kept))].sort()).toEqual([...all, 'after restart'].sort());
      expect((await p.invoke('groups.list', {})).map((g) => g.groupId)).toEqual([kept]);
    }
  }, 300_000);
});
