import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../shared/domain/views.js';
import type { CoreProcess } from '../../helpers/core-process.js';
import { expectCode } from '../../helpers/expect-code.js';
import { timeline } from './delivery-truth.js';
import { atAdminEpoch, groupPerTest, joinedGroup, userIdOf } from './group-fixture.js';

/**
 * Issue 9: a member removed while offline writes on, not knowing. Nobody may take those messages,
 * and the writer must not be left looking at "sent" forever: each ends in a visible failure with
 * its reason.
 */
describe('a member removed while offline', () => {
  const world = groupPerTest();

  it('sees its own messages of that time fail as refused (not retryable), and nobody holds them', async () => {
    const people = await world.start(['alice', 'bob', 'carol', 'dave']);
    const { alice, bob, carol, dave } = people as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!, dave!], 'mls');
    // Dave's engine runs on, but no node is reachable where it looks.
    await dave!.close();
    await dave!.start('127.0.0.1:1');
    await alice!.invoke('groups.removeMembers', { groupId, members: [await userIdOf(dave!)] });
    await atAdminEpoch(alice!, [bob!, carol!], groupId);
    const written: MessageView[] = [];
    for (const text of ['dave, unaware 1', 'dave, unaware 2']) written.push(await dave!.invoke('messages.sendText', { groupId, text }));
    expect(written.map((m) => m.sendState)).toEqual(['pending', 'pending']);

    await dave!.close();
    await dave!.start(world.endpoint);
    const ended = await dave!.until(
      () => Promise.all(written.map((m) => dave!.invoke('messages.get', { messageId: m.id }))),
      (views) => views.every((v) => v.sendState === 'failed'),
      30_000,
      "dave's messages end failed",
    );
    for (const v of ended) {
      // Failed for good, with the reason: refused by everyone, and nothing a retry could change.
      expect(v).toMatchObject({ sendState: 'failed', failure: { reason: 'refused', retryable: false } });
      expect([...(v.failure?.missing ?? [])].sort()).toEqual([await userIdOf(alice!), await userIdOf(bob!), await userIdOf(carol!)].sort());
      await expectCode(dave!.invoke('messages.retry', { messageId: v.id }), 'SEND_REFUSED');
    }
    for (const p of [alice!, bob!, carol!]) {
      // Everyone has processed what reached them: a message after dave's arrives and his are not there.
      await alice!.invoke('messages.sendText', { groupId, text: `after dave, to ${p.name}` });
      await p.until(() => timeline(p, groupId), (t) => t.some((m) => m.text === `after dave, to ${p.name}`), 20_000, 'a later message');
      expect((await timeline(p, groupId)).filter((m) => m.senderName === 'dave')).toEqual([]);
    }
  }, 240_000);
});
