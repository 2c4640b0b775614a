import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { loopbackGroupOfThree } from '../helpers/loopback-group.js';
import { newUser, tempDir } from '../helpers/test-engines.js';

const DAY = 86_400_000;

/**
 * A member chooses the send time its messages carry, and each received message moves the group's last message,
 * last activity and unread count. The group's row kept in memory takes those columns from the write itself
 * (groups-table.ts `noteActivity`), so a hostile time must not make the chat list show anything other than what
 * the table holds: a backdated message is counted but does not become the last one, and what is shown is what a
 * fresh read of the table shows, and what the UIs are told (the group's activity) is the same.
 */
describe('a member sending messages with backdated and future send times', () => {
  const dir = tempDir('kizuna-activity-marks-');
  const engines: Engine[] = [];
  afterAll(async () => {
    for (const e of engines) await e.close();
    dir.cleanup();
  });

  it('moves the shown and told last message and unread count exactly as the table does', async () => {
    const start = Date.UTC(2026, 11, 7, 12);
    let bobClock = start;
    let carolClock = start;
    const alice = (await newUser(dir.path, 'alice', () => start)).engine;
    const bob = (await newUser(dir.path, 'bob', () => bobClock)).engine;
    const carol = (await newUser(dir.path, 'carol', () => carolClock)).engine;
    engines.push(alice, bob, carol);
    const { net, groupId: g } = await loopbackGroupOfThree(alice, bob, carol, 'sealed', 'marks');
    // What the table holds for the group, read past every cache.
    const stored = (): { last: string | null; at: number; unread: number } => {
      const r = alice.store.db
        .prepare('SELECT last_message_id AS last, last_activity_at AS at, unread_count AS unread FROM groups WHERE group_id = ?')
        .get(Buffer.from(g, 'base64url')) as { last: Buffer | null; at: number; unread: number };
      return { last: r.last === null ? null : r.last.toString('base64url'), at: r.at, unread: r.unread };
    };
    const shown = (): { last: string | null; at: number; unread: number } => {
      const v = alice.getGroup(g);
      return { last: v.lastMessage?.id ?? null, at: v.lastActivityAt, unread: v.unreadCount };
    };
    // What the UIs were told last (each received message sends its group's activity, not the whole view).
    const activity: { last: string | null; at: number; unread: number }[] = [];
    alice.events.on('group-activity', (a) => {
      if (a.groupId === g) activity.push({ last: a.lastMessage?.id ?? null, at: a.lastActivityAt, unread: a.unreadCount });
    });
    const told = (): { last: string | null; at: number; unread: number } | undefined => activity.at(-1);

    const mine = await alice.sendText(g, 'the latest, honestly');
    await net.settle();
    expect(shown()).toEqual(stored());

    bobClock = start - 30 * DAY;
    await bob.sendText(g, 'backdated a month');
    await net.settle();
    expect(shown()).toEqual(stored());
    expect(told()).toEqual(stored());
    expect(shown()).toMatchObject({ last: mine.id, at: start, unread: 1 });

    bobClock = start + 365 * DAY;
    const future = await bob.sendText(g, 'from next year');
    await net.settle();
    expect(shown()).toEqual(stored());
    expect(told()).toEqual(stored());
    expect(shown()).toMatchObject({ last: future.id, unread: 2 });

    // Another member, its clock set back (a sender's own clock never goes back between its messages).
    carolClock = start - 60 * DAY;
    await carol.sendText(g, 'backdated two months');
    await net.settle();
    expect(shown()).toEqual(stored());
    expect(told()).toEqual(stored());
    expect(shown()).toMatchObject({ last: future.id, unread: 3 });
  });
});
