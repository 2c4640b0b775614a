import type Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupsCaches, type GroupsReader, type GroupsWriter } from '../../../../main/core/store/tables/groups-table.js';
import { openGroupsTable } from '../../../helpers/groups-table-fixture.js';

const id = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const G = id(1);

/**
 * Issue 13: every message sent or received moves its group's last activity, and the group's row is
 * read again right after (the group view, the next send). The row kept between writes takes the
 * columns that write gives back instead of being dropped, so those reads need no query; it must
 * still hold exactly what the table holds.
 */
describe("a group's row kept across its activity marks", () => {
  let db: Database.Database;
  let read: GroupsReader;
  let write: GroupsWriter;
  const caches = groupsCaches();
  const stored = (): { lastMessageId: Uint8Array | null; lastActivityAt: number; unreadCount: number } =>
    db.prepare('SELECT last_message_id AS lastMessageId, last_activity_at AS lastActivityAt, unread_count AS unreadCount FROM groups WHERE group_id = ?').get(G) as never;
  const activity = (): unknown => {
    const r = read.get(G);
    return r === undefined ? undefined : { lastMessageId: r.lastMessageId, lastActivityAt: r.lastActivityAt, unreadCount: r.unreadCount };
  };

  beforeEach(() => {
    ({ db, read, write } = openGroupsTable(caches));
    db.prepare(
      `INSERT INTO groups (group_id, mode, creator, created_at, name, latest_version, epoch, my_state, last_activity_at, unread_count, last_read_at)
       VALUES (?, 'none', ?, 0, 'before', 1, 0, 'joined', 100, 0, 0)`,
    ).run(G, id(9));
  });
  afterEach(() => db.close());

  it('answers from the kept row after each mark, and that row matches the table', () => {
    const first = read.get(G);
    expect(first?.name).toBe('before');
    // Behind the cache's back: a read that went to the table would show this name.
    db.prepare("UPDATE groups SET name = 'behind' WHERE group_id = ?").run(G);
    const marks: [number, Uint8Array | null, number][] = [
      [200, id(20), 1], // a later message: shown as the last one
      [150, id(15), 1], // an earlier one (caught up late): counted, not the last
      [300, null, 0], // activity without a message
      [250, id(25), -2], // earlier than the activity: not the last
      [400, id(40), 0],
    ];
    for (const [at, messageId, unread] of marks) {
      write.noteActivity(G, at, messageId, unread);
      expect(activity()).toEqual(stored());
      expect(read.get(G)?.name).toBe('before');
    }
    expect(stored()).toEqual({ lastMessageId: Buffer.from(id(40)), lastActivityAt: 400, unreadCount: 0 });
    // The kept rows are new frozen objects; one handed out before is left as it was.
    expect(first?.lastActivityAt).toBe(100);
    expect(Object.isFrozen(read.get(G))).toBe(true);
  });

  it('reads the row from the table after a mark when none was kept, and after any other write', () => {
    write.noteActivity(G, 200, id(20), 1);
    expect(activity()).toEqual(stored());
    write.setMuted(G, true);
    db.prepare("UPDATE groups SET name = 'behind' WHERE group_id = ?").run(G);
    expect(read.get(G)?.name).toBe('behind');
    expect(read.get(G)?.muted).toBe(1);
  });

  it('keeps nothing for a group that is not there', () => {
    const missing = id(3);
    write.noteActivity(missing, 200, id(20), 1);
    expect(read.get(missing)).toBeUndefined();
  });
});
