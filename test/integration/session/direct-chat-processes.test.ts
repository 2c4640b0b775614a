import { describe, expect, it } from 'vitest';
import type { CoreProcess } from '../../helpers/core-process.js';
import { allTexts, peoplePerTest, userIdOf } from './group-fixture.js';

/** Two people who swapped cards talk one to one, engines in their own processes over a real SLIM node. */
describe('direct chats between two processes', () => {
  const start = peoplePerTest();

  it('chats in every mode, with replies, files, receipts and typing, and delivers what was sent while one was away', async () => {
    const people = await start(['alice', 'bob']);
    const { alice, bob } = people as { alice: CoreProcess; bob: CoreProcess };
    const bobId = await userIdOf(bob);
    const chats: string[] = [];
    for (const mode of ['mls', 'sealed', 'none'] as const) {
      const invited = bob.waitFor('invitation', (i) => i.state === 'pending' && i.mode === mode);
      const d = await alice.invoke('groups.create', { name: '', members: [bobId], mode, direct: true });
      expect(d.direct).toBe(true);
      await invited;
      const joined = alice.waitFor('group', (g) => g.groupId === d.groupId && g.members.every((m) => m.status === 'joined'), 20_000);
      await bob.invoke('invitations.accept', { groupId: d.groupId });
      await joined;
      const atBob = await bob.until(() => bob.invoke('groups.get', { groupId: d.groupId }), (g) => g.myState === 'joined', 20_000, 'bob joined');
      expect(atBob.direct).toBe(true);
      expect(atBob.members.map((m) => m.displayName).sort()).toEqual(['alice', 'bob']);

      // Listen before acting: events from the other process may come before the reply to our request.
      const incoming = bob.waitFor('message', (m) => m.groupId === d.groupId && m.text === `hello bob (${mode})`, 20_000);
      const hello = await alice.invoke('messages.sendText', { groupId: d.groupId, text: `hello bob (${mode})` });
      const helloAtBob = await incoming;
      const typing = alice.waitFor('typing', (t) => t.groupId === d.groupId && t.typing, 20_000);
      await bob.invoke('messages.typing', { groupId: d.groupId, typing: true });
      await typing;
      const read = alice.waitFor('send-state', (s) => s.messageId === hello.id && s.state === 'read', 20_000);
      await bob.invoke('messages.markRead', { groupId: d.groupId, upTo: helloAtBob.sentAt });
      await read;
      const fileIncoming = alice.waitFor('message', (m) => m.groupId === d.groupId && m.kind === 'file', 20_000);
      const file = await bob.invoke('messages.sendFile', { groupId: d.groupId, name: 'note.txt', mime: 'text/plain', base64: Buffer.from(`file ${mode}`).toString('base64'), replyTo: hello.id });
      const fileAtAlice = await fileIncoming;
      expect([fileAtAlice.id, fileAtAlice.replyTo]).toEqual([file.id, hello.id]);
      const bytes = await alice.until(() => alice.invoke('messages.readFile', { messageId: file.id }).catch(() => undefined), (f) => f !== undefined, 20_000, 'file at alice');
      expect(Buffer.from(bytes?.base64 ?? '', 'base64').toString()).toBe(`file ${mode}`);
      // Nobody joins a direct chat.
      await expect(alice.invoke('groups.addMembers', { groupId: d.groupId, members: [bobId] })).rejects.toMatchObject({ code: 'GROUP_DIRECT_MEMBERS_FIXED' });
      chats.push(d.groupId);
    }

    // Bob goes away; alice writes in every chat; bob comes back and catches up.
    await bob.close();
    for (const groupId of chats) await alice.invoke('messages.sendText', { groupId, text: 'while you were away' });
    await bob.start();
    for (const groupId of chats) {
      await bob.until(() => allTexts(bob, groupId), (t) => t.some((x) => x.text === 'while you were away'), 30_000, 'bob caught up');
      expect((await allTexts(bob, groupId)).map((t) => t.text)).toEqual((await allTexts(alice, groupId)).map((t) => t.text));
    }
    expect((await bob.invoke('messages.search', { text: 'hello bob' })).length).toBe(3);
  });
});
