import { describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../../../main/core/store/database.js';
import { MIGRATIONS } from '../../../../main/core/store/migrations/index.js';
import { runMigrations } from '../../../../main/core/store/migrations/migration.js';
import { createStatementCache, type Prepare } from '../../../../main/core/store/statement-cache.js';
import { groupsCaches, groupsReader, groupsWriter, type GroupRow } from '../../../../main/core/store/tables/groups-table.js';
import { messagesReader, messagesWriter, type MessageKind, type MessageRow } from '../../../../main/core/store/tables/messages-table.js';
import { queueReader, queueWriter, type NewOutboxJob } from '../../../../main/core/store/tables/queue-tables.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { databaseFileEachTest } from '../../../helpers/temp-database.js';

/** The schema as it was up to (and including) `version`. */
const upTo = (version: number) => MIGRATIONS.filter((m) => m.version <= version);
const id = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const G = id(1);
const OTHER_G = id(2);
const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_700_000_000_000;

function group(groupId: Uint8Array, lastActivityAt: number): GroupRow {
  return {
    groupId, mode: 'none', creator: id(9), createdAt: 0, name: 'g', avatar: null, avatarMime: null, latestVersion: 0, epoch: 0, myState: 'joined',
    joinedEpoch: 0, muted: 0, lastActivityAt, lastMessageId: null, unreadCount: 0, lastReadAt: 0, direct: 0,
  };
}

function message(n: number, kind: MessageKind): MessageRow {
  return {
    id: id(n), groupId: G, sender: id(8), seq: n, epoch: 0, sentAt: NOW + n, receivedAt: NOW + n, kind, body: `m${n}`, replyTo: null,
    fileName: kind === 'text' ? null : `f${n}`, fileSize: kind === 'text' ? null : 10, fileMime: kind === 'text' ? null : 'text/plain',
    fileHash: kind === 'text' ? null : id(100 + n), sendState: 'received',
  };
}

function job(envelopeId: Uint8Array, messageId: Uint8Array | null): NewOutboxJob {
  return {
    envelopeId, groupId: G, type: 'MESSAGE', seq: 1, destination: 'group', recipient: null, slimName: 'org/ns/g', bytes: new Uint8Array(8),
    messageId, nextAttemptAt: NOW, createdAt: NOW,
  };
}

/**
 * A Prepare that remembers the last statement run through it and its parameters, so the test can ask
 * SQLite for the plan of exactly the SQL the store's own readers and writers run.
 */
function recordingPrepare(db: SqliteDatabase): { prepare: Prepare; planOfLast: () => string } {
  let last: { sql: string; args: unknown[] } | undefined;
  const prepare: Prepare = (sql) => {
    const stmt = db.prepare(sql);
    return new Proxy(stmt, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (prop !== 'run' && prop !== 'get' && prop !== 'all') return (value as (...a: unknown[]) => unknown).bind(target);
        return (...args: unknown[]) => {
          last = { sql, args };
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  };
  const planOfLast = (): string => {
    if (last === undefined) throw new Error('nothing ran');
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${last.sql}`).all(...last.args) as { detail: string }[];
    return rows.map((r) => r.detail).join(' | ');
  };
  return { prepare, planOfLast };
}

/** Migration 0014 (issue 13): indexes no query needs dropped or made partial, every query still on an index. */
describe('fewer pages per message (migration 0014)', () => {
  const store = databaseFileEachTest();

  /** A real, encrypted database file at version 13 with rows in every table the migration touches; then opened as the app does. */
  function upgradedDatabase(): SqliteDatabase {
    const old = store.openBare();
    old.pragma('journal_mode = WAL');
    runMigrations(old, upTo(13));
    expect(old.pragma('user_version', { simple: true })).toBe(13);
    const prepare = createStatementCache(old);
    const groups = groupsWriter(prepare, groupsCaches());
    groups.insert(group(G, NOW + 10));
    groups.insert(group(OTHER_G, NOW + 20));
    const messages = messagesWriter(prepare);
    [message(1, 'text'), message(2, 'file'), message(3, 'text'), message(4, 'media'), message(5, 'text')].forEach((m) => messages.insert(m));
    const queue = queueWriter(prepare);
    const oldDone = queue.addInbox(new Uint8Array([1]), 'network', NOW - 2 * DAY);
    queue.finishInbox(oldDone, 'done', null, G);
    const deferred = queue.addInbox(new Uint8Array([2]), 'network', NOW - 2 * DAY);
    queue.finishInbox(deferred, 'deferred', 'out-of-order', G);
    const recentDone = queue.addInbox(new Uint8Array([3]), 'network', NOW);
    queue.finishInbox(recentDone, 'done', null, G);
    queue.addInbox(new Uint8Array([4]), 'network', NOW);
    queue.addOutbox(job(id(1), id(1)));
    queue.addOutbox(job(id(50), null));
    old.close();
    return store.open();
  }

  it('drops the indexes no query needs and makes the others partial', () => {
    const d = upgradedDatabase();
    expect(d.pragma('user_version', { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version);
    const indexes = new Map(
      (d.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`).all() as { name: string; sql: string }[]).map((r) => [
        r.name,
        r.sql,
      ]),
    );
    for (const gone of ['groups_by_activity', 'inbox_by_state', 'inbox_by_group_state', 'outbox_by_message']) expect(indexes.has(gone)).toBe(false);
    expect(indexes.get('messages_by_kind')).toMatch(/WHERE kind != 'text'$/);
    expect(indexes.get('inbox_new')).toMatch(/WHERE state = 'new'$/);
    expect(indexes.get('inbox_deferred')).toMatch(/WHERE state = 'deferred'$/);
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it("runs every query the dropped indexes served on an index, with the store's own SQL", () => {
    const d = upgradedDatabase();
    const { prepare, planOfLast } = recordingPrepare(d);
    const queueR = queueReader(prepare);
    const queueW = queueWriter(prepare);
    const messages = messagesReader(prepare);
    const plan = (run: () => unknown): string => {
      run();
      return planOfLast();
    };
    expect(plan(() => queueR.inboxBatch(10))).toContain('USING INDEX inbox_new');
    expect(plan(() => queueR.deferredFor(G))).toContain('USING INDEX inbox_deferred (group_id=?)');
    expect(plan(() => queueR.deferredRows())).toContain('USING INDEX inbox_deferred');
    expect(plan(() => queueR.hasNewInbox())).toContain('INDEX inbox_new');
    expect(plan(() => queueR.hasDeferredFor(G))).toContain('INDEX inbox_deferred (group_id=?)');
    expect(plan(() => queueW.wakeDeferred(OTHER_G))).toContain('USING INDEX inbox_deferred (group_id=?)');
    expect(plan(() => queueW.wakeDeferred(OTHER_G, 'far-ahead'))).toContain('USING INDEX inbox_deferred (group_id=?)');
    expect(plan(() => queueW.wakeDeferredFor('nothing'))).toContain('USING INDEX inbox_deferred');
    expect(plan(() => queueW.wakeDeferredBefore(0))).toContain('USING INDEX inbox_deferred');
    expect(plan(() => queueW.pruneInbox(0))).toContain('USING INTEGER PRIMARY KEY (rowid<?)');
    expect(plan(() => queueR.outboxByMessage(id(1)))).toContain('USING INDEX outbox_by_envelope (envelope_id=?)');
    expect(plan(() => queueW.cancelOutboxForMessage(id(77)))).toContain('USING INDEX outbox_by_envelope (envelope_id=?)');
    expect(plan(() => queueW.requeueOutboxForMessage(id(77), NOW))).toContain('USING INDEX outbox_by_envelope (envelope_id=?)');
    const cursor = { sentAt: NOW + 100, id: id(99) };
    for (const kind of ['file', 'media'] as const) {
      expect(plan(() => messages.latest(G, 10, [kind]))).toContain('USING INDEX messages_by_kind (group_id=? AND kind=?)');
      expect(plan(() => messages.before(G, cursor, 10, [kind]))).toContain('USING INDEX messages_by_kind (group_id=? AND kind=?');
      expect(plan(() => messages.after(G, cursor, 10, [kind]))).toContain('USING INDEX messages_by_kind (group_id=? AND kind=?');
      expect(plan(() => messages.between(G, 0, NOW * 2, 10, [kind]))).toContain('USING INDEX messages_by_kind (group_id=? AND kind=?');
    }
    // Text (nearly every message) and no filter page through the time index.
    expect(plan(() => messages.latest(G, 10, ['text']))).toContain('USING INDEX messages_by_time (group_id=?)');
    expect(plan(() => messages.before(G, cursor, 10, undefined))).toContain('USING INDEX messages_by_time (group_id=? AND (sent_at,id)<(?,?))');
  });

  it('keeps every row, and the queries find the same rows as before', () => {
    const d = upgradedDatabase();
    const prepare = createStatementCache(d);
    const messages = messagesReader(prepare);
    const queueR = queueReader(prepare);
    const queueW = queueWriter(prepare);
    expect(messages.count(G)).toBe(5);
    expect(messages.latest(G, 10, ['file']).map((m) => m.body)).toEqual(['m2']);
    expect(messages.latest(G, 10, ['media']).map((m) => m.body)).toEqual(['m4']);
    expect(messages.latest(G, 10, ['text']).map((m) => m.body)).toEqual(['m5', 'm3', 'm1']);
    expect(messages.byFileHash(G, id(104))?.body).toBe('m4');
    // The chat list is still newest activity first without its index.
    expect(groupsReader(prepare, groupsCaches()).list().map((g) => g.groupId[0])).toEqual([2, 1]);
    expect(queueR.inboxBatch(10).map((r) => [...r.bytes])).toEqual([[4]]);
    expect(queueR.deferredFor(G).map((r) => [...r.bytes])).toEqual([[2]]);
    expect([queueR.hasNewInbox(), queueR.hasDeferredFor(G), queueR.hasDeferredFor(OTHER_G)]).toEqual([true, true, false]);
    expect(queueR.inboxCounts()).toEqual({ new: 1, deferred: 1, done: 2, dropped: 0 });
    expect(queueR.outboxByMessage(id(1)).map((j) => j.envelopeId[0])).toEqual([1]);
    expect(queueR.outboxByMessage(id(50))).toEqual([]);
    // Pruning still takes only finished rows older than the cut, whatever their place.
    queueW.pruneInbox(NOW - DAY);
    expect(queueR.inboxCounts()).toEqual({ new: 1, deferred: 1, done: 1, dropped: 0 });
    expect(queueW.cancelOutboxForMessage(id(1))).toBe(1);
    expect(queueW.requeueOutboxForMessage(id(1), NOW)).toBe(1);
  });

  it("refuses an outbox job whose message is not its own envelope (queries by message look the envelope id up)", async () => {
    const d = upgradedDatabase();
    const queue = queueWriter(createStatementCache(d));
    await expectCode(() => queue.addOutbox(job(id(60), id(61))), 'INTERNAL');
    expect(queue.addOutbox(job(id(62), id(62)))).toBeGreaterThan(0);
  });
});
