import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toMessageSearch } from '../../../../main/core/messages/message-queries.js';
import type { SqliteDatabase } from '../../../../main/core/store/database.js';
import { createStatementCache } from '../../../../main/core/store/statement-cache.js';
import { messagesReader, messagesWriter, type MessageRow } from '../../../../main/core/store/tables/messages-table.js';
import { databaseFileEachTest } from '../../../helpers/temp-database.js';

const G = new Uint8Array(32).fill(1);
let clock = 1_700_000_000_000;

function row(body: string): MessageRow {
  clock += 1_000;
  return {
    id: new Uint8Array(randomBytes(32)), groupId: G, sender: new Uint8Array(32).fill(9), seq: clock, epoch: 0, sentAt: clock, receivedAt: clock,
    kind: 'text', body, replyTo: null, fileName: null, fileSize: null, fileMime: null, fileHash: null, sendState: 'received',
  };
}

/**
 * Stored messages wait in `search_pending` and are indexed later, many per transaction (migration
 * 0013, issue 13). Nothing may be lost on the way: a crash before indexing leaves them pending, a
 * search indexes what is pending first, and the index agrees with the messages whatever happened
 * to a message while it waited (FTS5's integrity-check throws when it does not).
 */
describe('the search index queue', () => {
  const store = databaseFileEachTest();
  /** Rows the index itself finds (no catch-up first), unlike the store's search. */
  const indexed = (d: SqliteDatabase, text: string): number =>
    (d.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(`"${text}"`) as { n: number }).n;
  const pending = (d: SqliteDatabase): number => (d.prepare('SELECT count(*) AS n FROM search_pending').get() as { n: number }).n;
  const integrity = (d: SqliteDatabase): void => {
    d.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
  };

  it('keeps messages stored before a crash pending until they are indexed, and a search finds them first', () => {
    const d = store.open();
    const w = messagesWriter(createStatementCache(d));
    d.transaction(() => { for (let i = 0; i < 40; i++) w.insert(row(`before the crash ${i} 東京タワー`)); })();
    expect(pending(d)).toBe(40);
    expect(indexed(d, '東京タワー')).toBe(0);
    // Indexed part way, then the process dies: what was indexed stays, the rest stays pending.
    expect(w.indexPendingSearch(15)).toBe(15);
    d.close();

    const again = store.open();
    expect(pending(again)).toBe(25);
    expect(indexed(again, '東京タワー')).toBe(15);
    const found = messagesReader(createStatementCache(again)).search(undefined, toMessageSearch('東京タワー'), 100);
    expect(found).toHaveLength(40);
    expect(pending(again)).toBe(0);
    expect(indexed(again, '東京タワー')).toBe(40);
    expect(() => integrity(again)).not.toThrow();
  });

  it('indexes in batches of the size asked, oldest first, and says when it has caught up', () => {
    const d = store.open();
    const w = messagesWriter(createStatementCache(d));
    for (let i = 0; i < 10; i++) w.insert(row(`row number ${i}`));
    expect(w.indexPendingSearch(4)).toBe(4);
    expect(indexed(d, 'row number 3')).toBe(1);
    expect(indexed(d, 'row number 4')).toBe(0);
    expect(w.indexPendingSearch(4)).toBe(4);
    expect(w.indexPendingSearch(4)).toBe(2);
    expect(w.indexPendingSearch(4)).toBe(0);
    expect(indexed(d, 'row number')).toBe(10);
    expect(() => integrity(d)).not.toThrow();
  });

  it('keeps the index whole when messages are edited or deleted, pending or indexed', () => {
    const d = store.open();
    const w = messagesWriter(createStatementCache(d));
    const a = row('alpha indexed');
    const b = row('bravo pending');
    const c = row('charlie indexed then deleted');
    const e = row('echo pending then deleted');
    for (const r of [a, c]) w.insert(r);
    w.indexPendingSearch(100);
    for (const r of [b, e]) w.insert(r);
    d.prepare('UPDATE messages SET body = ? WHERE id = ?').run('alpha edited', a.id);
    d.prepare('UPDATE messages SET body = ? WHERE id = ?').run('bravo edited', b.id);
    d.prepare('DELETE FROM messages WHERE id IN (?, ?)').run(c.id, e.id);
    expect(pending(d)).toBe(1);
    expect(() => integrity(d)).not.toThrow();
    w.indexPendingSearch(100);
    expect(indexed(d, 'edited')).toBe(2);
    expect(indexed(d, 'indexed')).toBe(0);
    expect(indexed(d, 'deleted')).toBe(0);
    expect(() => integrity(d)).not.toThrow();
  });
});
