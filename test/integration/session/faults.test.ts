import { describe, expect, it } from 'vitest';
import { CoreProcess, FAST_SESSION } from '../../helpers/core-process.js';
import { allTexts, atAdminEpoch, groupPerTest, joinedGroup, userIdOf, waitOnline } from './group-fixture.js';

describe('faults: nothing lost, nothing twice', () => {
  const world = groupPerTest();

  it('the node is killed mid-conversation: what was sent while it was down arrives after, in per-sender order, once', async () => {
    const people = await world.start(['alice', 'bob', 'carol']);
    const { alice, bob, carol } = people as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!], 'mls');
    const arrivals: { sender: string; seq: number; text: string }[] = [];
    carol!.on('message', (m) => arrivals.push({ sender: m.senderName, seq: m.seq, text: m.text }));
    for (let i = 0; i < 5; i++) await bob!.invoke('messages.sendText', { groupId, text: `before ${i}` });
    await carol!.until(() => allTexts(carol!, groupId), (t) => t.length === 5, 15_000, 'before');

    await world.killNode();
    await bob!.until(() => bob!.invoke('connection.status', {}), (s) => s.state !== 'online', 15_000, 'bob notices');
    for (let i = 0; i < 10; i++) await bob!.invoke('messages.sendText', { groupId, text: `while down ${i}` });
    for (let i = 0; i < 5; i++) await alice!.invoke('messages.sendText', { groupId, text: `alice while down ${i}` });
    const pending = await bob!.invoke('messages.latest', { groupId, limit: 1 });
    expect(pending.messages[0]?.sendState).toBe('pending');

    await world.restartNode();
    await carol!.until(() => allTexts(carol!, groupId), (t) => t.length === 20, 30_000, 'everything after restart');
    const texts = await allTexts(carol!, groupId);
    expect(new Set(texts.map((t) => t.text)).size).toBe(20);
    for (const sender of ['bob', 'alice']) {
      const seqs = arrivals.filter((a) => a.sender === sender).map((a) => a.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
    expect((await carol!.stats()).dropped['equivocation'] ?? 0).toBe(0);
  });

  it('a message cancelled while pending is never delivered, and the members skip its place', async () => {
    const people = await world.start(['alice', 'bob', 'carol']);
    const { alice, bob, carol } = people as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!], 'mls');
    await world.killNode();
    await alice!.until(() => alice!.invoke('connection.status', {}), (s) => s.state !== 'online', 15_000, 'alice notices');
    const doomed = await alice!.invoke('messages.sendText', { groupId, text: 'cancel me' });
    await alice!.invoke('messages.cancel', { messageId: doomed.id });
    await alice!.invoke('messages.sendText', { groupId, text: 'after the cancelled one' });
    await world.restartNode();
    await bob!.until(() => allTexts(bob!, groupId), (t) => t.some((x) => x.text === 'after the cancelled one'), 30_000, 'bob reads');
    // Heartbeats tell bob that alice used the cancelled sequence number; catch-up tells him to skip it.
    await bob!.until(() => bob!.invoke('connection.status', {}), (s) => s.state === 'online', 30_000, 'nothing left to sync');
    expect((await allTexts(bob!, groupId)).map((t) => t.text)).toEqual(['after the cancelled one']);
    expect((await alice!.invoke('messages.get', { messageId: doomed.id })).sendState).toBe('failed');
  });

  it('an engine is killed mid-send: after restart every message it accepted arrives, contiguous, once', async () => {
    const people = await world.start(['alice', 'bob', 'carol']);
    const { alice, bob, carol } = people as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!], 'sealed');
    let accepted = 0;
    const sending = (async () => {
      for (let i = 0; i < 200; i++) {
        await bob!.invoke('messages.sendText', { groupId, text: `burst ${i}` });
        accepted = i + 1;
      }
    })().catch(() => undefined);
    await carol!.until(async () => accepted, (n) => n >= 20, 15_000, 'some sent');
    await bob!.kill();
    await sending;
    const acceptedBeforeKill = accepted;
    await bob!.start();
    await waitOnline(bob!);
    await carol!.until(
      () => allTexts(carol!, groupId),
      (t) => t.filter((x) => x.sender === 'bob').length >= acceptedBeforeKill,
      30_000,
      'all accepted sends',
    );
    const bobs = (await allTexts(carol!, groupId)).filter((x) => x.sender === 'bob');
    const seqs = bobs.map((b) => b.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(new Set(bobs.map((b) => b.text)).size).toBe(bobs.length);
  });

  it('the admin is killed mid-commit: after restart the group state is consistent and everyone talks', async () => {
    const people = await world.start(['alice', 'bob', 'carol', 'dave']);
    const { alice, bob, carol, dave } = people as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!, dave!], 'mls');
    const removing = alice!.invoke('groups.removeMembers', { groupId, members: [await userIdOf(dave!)] }).catch(() => undefined);
    await alice!.kill();
    await removing;
    await alice!.start();
    await waitOnline(alice!);
    const adminView = await alice!.invoke('groups.get', { groupId });
    // Either the removal landed (and reaches everyone) or it never happened: no half state.
    await atAdminEpoch(alice!, [bob!, carol!], groupId);
    for (const p of [bob!, carol!]) {
      await p.until(() => p.invoke('groups.get', { groupId }), (g) => g.version === adminView.version && g.members.length === adminView.members.length, 20_000, 'same version');
    }
    await bob!.invoke('messages.sendText', { groupId, text: 'after the crash' });
    await alice!.until(() => allTexts(alice!, groupId), (t) => t.some((x) => x.text === 'after the crash'), 20_000, 'alice reads');
    await carol!.until(() => allTexts(carol!, groupId), (t) => t.some((x) => x.text === 'after the crash'), 20_000, 'carol reads');
  });

  it('a member offline for 500 messages and two membership changes catches up exactly', async () => {
    const people = await world.start(['alice', 'bob', 'carol', 'dave', 'erin']);
    const { alice, bob, carol, dave, erin } = people as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!, dave!], 'mls');
    await dave!.close();
    for (let i = 0; i < 250; i++) await bob!.invoke('messages.sendText', { groupId, text: `b${i}` });
    const erinInvited = erin!.waitFor('invitation', (i) => i.groupId === groupId);
    await alice!.invoke('groups.addMembers', { groupId, members: [await userIdOf(erin!)] });
    await erinInvited;
    await erin!.invoke('invitations.accept', { groupId });
    await alice!.until(() => alice!.invoke('groups.get', { groupId }), (g) => g.members.every((m) => m.status === 'joined' || m.displayName === 'dave'), 20_000, 'erin in');
    // Bob's 250 reach alice before she removes him: what a member accepted locally but had not published when the
    // removal commit lands is refused by the removal cut-off (a known gap, see the closing note), and this test is
    // about dave's catch-up, not that race.
    await alice!.until(() => allTexts(alice!, groupId), (t) => t.filter((m) => m.sender === 'bob').length >= 250, 30_000, "bob's 250 at alice");
    await alice!.invoke('groups.removeMembers', { groupId, members: [await userIdOf(bob!)] });
    await atAdminEpoch(alice!, [carol!, erin!], groupId);
    for (let i = 0; i < 250; i++) await carol!.invoke('messages.sendText', { groupId, text: `c${i}` });

    await dave!.start();
    // Alice (online throughout) has all 500 once the last ones reach her.
    const expected = (await alice!.until(() => allTexts(alice!, groupId), (t) => t.length >= 500, 30_000, 'alice has all')).map((t) => t.text);
    expect(expected).toHaveLength(500);
    await dave!.until(() => allTexts(dave!, groupId), (t) => t.length >= 500, 60_000, 'dave caught up');
    expect((await allTexts(dave!, groupId)).map((t) => t.text)).toEqual(expected);
    const view = await dave!.invoke('groups.get', { groupId });
    expect(view.members.map((m) => m.displayName).sort()).toEqual(['alice', 'carol', 'dave', 'erin']);
    expect(view.epoch).toBe((await alice!.invoke('groups.get', { groupId })).epoch);
    await dave!.invoke('messages.sendText', { groupId, text: 'dave is back' });
    await erin!.until(() => allTexts(erin!, groupId), (t) => t.some((x) => x.text === 'dave is back'), 20_000, 'erin reads dave');
  });

  it('sender and receiver are never online together: an archive peer carries the message', async () => {
    const people = await world.start(['alice', 'bob', 'carol']);
    const { alice, bob, carol } = people as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!], 'sealed');
    const archive = new CoreProcess(world.dir, 'archive', world.endpoint, { ...FAST_SESSION, archiveGroups: [groupId] });
    people['archive'] = archive;
    await archive.start();
    await archive.invoke('identity.create', { displayName: 'archive' });
    await waitOnline(archive);
    await carol!.close();
    await alice!.close();
    const before = (await archive.stats()).channelLog;
    await bob!.invoke('messages.sendText', { groupId, text: 'for carol, via the archive' });
    // The archive holds it (as ciphertext) before bob goes away and carol comes back.
    await archive.until(() => archive.stats(), (s) => s.channelLog > before, 15_000, 'archived');
    await bob!.close();
    await carol!.start();
    await carol!.until(() => allTexts(carol!, groupId), (t) => t.some((x) => x.text === 'for carol, via the archive'), 30_000, 'carol reads');
    // The archive never held a key: it cannot list the group as its own.
    expect(await archive.invoke('groups.list', {})).toEqual([]);
  });
});
