import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../main/core/store/migrations/index.js';
import { runMigrations } from '../../../../main/core/store/migrations/migration.js';
import { createStatementCache } from '../../../../main/core/store/statement-cache.js';
import { groupsCaches, groupsReader, groupsWriter } from '../../../../main/core/store/tables/groups-table.js';
import { messagesReader, messagesWriter, type MessageRow, type SendState } from '../../../../main/core/store/tables/messages-table.js';

/** The schema as it was right up to (and including) `version`: later migrations added since cannot change what this test builds. */
const upTo = (version: number) => MIGRATIONS.filter((m) => m.version <= version);
const id = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const G = id(1);
const OTHER_G = id(2);
const ME = id(9);
const BOB = id(8);

function insertGroup(db: Database.Database, groupId: Uint8Array, lastReadAt: number, unreadCount: number): void {
  db.prepare(
    `INSERT INTO groups (group_id, mode, creator, created_at, name, latest_version, epoch, my_state, last_activity_at, unread_count, last_read_at)
     VALUES (?, 'none', ?, 0, 'g', 0, 0, 'joined', 0, ?, ?)`,
  ).run(groupId, ME, unreadCount, lastReadAt);
}

function row(n: number, groupId: Uint8Array, sentAt: number, sendState: SendState = 'received'): MessageRow {
  return {
    id: id(n), groupId, sender: sendState === 'received' ? BOB : ME, seq: n, epoch: 0, sentAt, receivedAt: sentAt, kind: 'text', body: `m${n}`,
    replyTo: null, fileName: null, fileSize: null, fileMime: null, fileHash: null, sendState,
  };
}

describe('per-message read marks in the store (migration 0011)', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => db.close());

  it('an upgraded database keeps what the old "read up to" time said, and recounts unread from the marks', () => {
    runMigrations(db, upTo(9));
    insertGroup(db, G, 200, 7); // a stale count: the upgrade recounts it
    insertGroup(db, OTHER_G, 0, 0);
    const write = messagesWriter(createStatementCache(db));
    for (const r of [row(10, G, 100), row(11, G, 200), row(12, G, 300), row(13, G, 250, 'read'), row(14, OTHER_G, 50)]) write.insert(r);

    runMigrations(db, upTo(11));
    const readAt = (n: number) => (db.prepare('SELECT read_at AS r FROM messages WHERE id = ?').get(id(n)) as { r: number | null }).r;
    expect([10, 11, 12, 13, 14].map(readAt)).toEqual([200, 200, null, null, null]);
    const counts = db.prepare('SELECT name, unread_count AS n FROM groups ORDER BY last_read_at DESC').all() as { n: number }[];
    expect(counts.map((c) => c.n)).toEqual([1, 1]);
    // The index holds only what is unread, and the unread queries use it.
    const index = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'messages_unread'`).get() as { sql: string };
    expect(index.sql).toMatch(/WHERE send_state = 'received' AND read_at IS NULL/);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM messages WHERE group_id = ? AND send_state = 'received' AND read_at IS NULL`)
      .all(G) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('messages_unread');
  });

  it('marks exactly the messages read, keeps a late one with an older time unread, and counts from the marks', () => {
    runMigrations(db, upTo(11));
    insertGroup(db, G, 0, 0);
    insertGroup(db, OTHER_G, 0, 0);
    const prepare = createStatementCache(db);
    // The groups reader and writer share their caches, as in the store (the writer drops the rows it changes).
    const caches = groupsCaches();
    const [read, write, groups, groupsRead] = [messagesReader(prepare), messagesWriter(prepare), groupsWriter(prepare, caches), groupsReader(prepare, caches)];
    const receive = (r: MessageRow) => {
      expect(write.insert(r)).toBe(true);
      groups.noteActivity(r.groupId, r.sentAt, r.id, r.sendState === 'received' ? 1 : 0);
    };
    receive(row(20, G, 100));
    receive(row(21, G, 200));
    receive(row(22, G, 300));
    receive(row(23, G, 150, 'sent'));
    receive(row(24, OTHER_G, 100));
    expect(groupsRead.get(G)?.unreadCount).toBe(3);

    // One message, by id: only it is read; again is a no-op; our own and another group's are never "unread".
    expect(write.markRead(id(21), 1000)).toBe(true);
    expect(write.markRead(id(21), 2000)).toBe(false);
    expect(write.markRead(id(23), 1000)).toBe(false);
    groups.recountUnread(G);
    expect(read.readAt(id(21))).toBe(1000);
    expect(read.readAt(id(20))).toBeNull();
    expect(read.readAt(id(23))).toBeUndefined();
    expect([read.isUnread(G, id(20)), read.isUnread(G, id(21)), read.isUnread(G, id(23)), read.isUnread(OTHER_G, id(20))]).toEqual([true, false, false, false]);
    expect(groupsRead.get(G)?.unreadCount).toBe(2);
    expect(read.unreadCount(G)).toBe(2);

    // "Read up to 300" covers what is there; a message that arrives later with an older time is not covered.
    groups.markRead(G, 300);
    expect(read.unreadUpTo(G, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
    expect(groupsRead.get(G)?.unreadCount).toBe(0);
    receive(row(25, G, 120));
    expect(read.unreadUpTo(G, Number.MAX_SAFE_INTEGER, 100).map((m) => m.body)).toEqual(['m25']);
    expect(groupsRead.get(G)?.unreadCount).toBe(1);
    expect(read.unreadCount(OTHER_G)).toBe(1);
    expect(write.markRead(id(25), 3000)).toBe(true);
    groups.recountUnread(G);
    expect(groupsRead.get(G)?.unreadCount).toBe(0);
    expect(read.unreadCount(OTHER_G)).toBe(1);
  });
});
