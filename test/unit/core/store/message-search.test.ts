import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toMessageSearch } from '../../../../main/core/messages/message-queries.js';
import type { SqliteDatabase } from '../../../../main/core/store/database.js';
import { MIGRATIONS } from '../../../../main/core/store/migrations/index.js';
import { runMigrations } from '../../../../main/core/store/migrations/migration.js';
import { createStatementCache } from '../../../../main/core/store/statement-cache.js';
import { directMergesWriter } from '../../../../main/core/store/tables/direct-merges-table.js';
import { messagesReader, messagesWriter, type MessageRow } from '../../../../main/core/store/tables/messages-table.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { databaseFileEachTest } from '../../../helpers/temp-database.js';

const GROUP_A = new Uint8Array(32).fill(1);
const GROUP_B = new Uint8Array(32).fill(2);
let clock = 1_700_000_000_000;

function row(groupId: Uint8Array, body: string, fileName: string | null = null): MessageRow {
  clock += 1_000;
  return {
    id: new Uint8Array(randomBytes(32)),
    groupId,
    sender: new Uint8Array(32).fill(9),
    seq: clock,
    epoch: 0,
    sentAt: clock,
    receivedAt: clock,
    kind: fileName === null ? 'text' : 'file',
    body,
    replyTo: null,
    fileName,
    fileSize: fileName === null ? null : 8,
    fileMime: fileName === null ? null : 'image/png',
    fileHash: fileName === null ? null : new Uint8Array(32).fill(7),
    sendState: 'received',
  };
}

const HISTORY: [Uint8Array, string, string | null][] = [
  [GROUP_A, 'The quick brown fox', null],
  [GROUP_A, 'jumps over the lazy dog', null],
  [GROUP_B, '', 'fox-photo.png'],
  [GROUP_A, '東京タワーに行きました', null],
  [GROUP_B, '京都で抹茶を飲んだ', null],
  [GROUP_B, '明日は東京で会議です', null],
  [GROUP_A, 'I am 100% sure', null],
  [GROUP_B, 'snake_case and a\\b', null],
];

/**
 * The store's search (issue 11) on the real encrypted database: a trigram FTS5 index finds any
 * substring of three or more characters in any script, shorter words (one or two kanji) fall back
 * to LIKE on the same content, and an upgraded profile has its old history re-indexed by 0010.
 */
describe('message search in the store', () => {
  const store = databaseFileEachTest();

  /** Bodies (or file names) found for `text`, sorted so the assertion reads as a set. */
  function find(d: SqliteDatabase, text: string, groupId?: Uint8Array): string[] {
    const rows = messagesReader(createStatementCache(d)).search(groupId, toMessageSearch(text), 100);
    return rows.map((r) => r.body || (r.fileName ?? '')).sort();
  }

  function fresh(): SqliteDatabase {
    const d = store.open();
    const w = messagesWriter(createStatementCache(d));
    for (const [g, body, file] of HISTORY) w.insert(row(g, body, file));
    return d;
  }

  it('finds English words and parts of words in every chat, any case, every word required', () => {
    const d = fresh();
    expect(find(d, 'fox')).toEqual(['The quick brown fox', 'fox-photo.png']);
    expect(find(d, 'qui')).toEqual(['The quick brown fox']);
    expect(find(d, 'QUICK')).toEqual(['The quick brown fox']);
    expect(find(d, 'lazy dog')).toEqual(['jumps over the lazy dog']);
    expect(find(d, 'quick dog')).toEqual([]);
    expect(find(d, 'fox', GROUP_B)).toEqual(['fox-photo.png']);
    expect(find(d, 'fox,')).toEqual(['The quick brown fox', 'fox-photo.png']);
  });

  it('returns matches newest first', () => {
    const d = fresh();
    const rows = messagesReader(createStatementCache(d)).search(undefined, toMessageSearch('fox'), 100);
    expect(rows.map((r) => r.body || r.fileName)).toEqual(['fox-photo.png', 'The quick brown fox']);
    expect(rows[0]?.sentAt).toBeGreaterThan(rows[1]?.sentAt ?? Infinity);
    // A message stored late (synced from the past) is placed by when it was sent; a short page holds the matches stored last.
    const late = { ...row(GROUP_A, 'an old fox, synced late'), sentAt: 1 };
    messagesWriter(createStatementCache(d)).insert(late);
    const all = messagesReader(createStatementCache(d)).search(undefined, toMessageSearch('fox'), 100);
    expect(all.map((r) => r.body || r.fileName)).toEqual(['fox-photo.png', 'The quick brown fox', 'an old fox, synced late']);
    const page = messagesReader(createStatementCache(d)).search(undefined, toMessageSearch('fox'), 2);
    expect(page.map((r) => r.body || r.fileName)).toEqual(['fox-photo.png', 'an old fox, synced late']);
  });

  it('finds Japanese text, which has no spaces, by any part of three or more characters', () => {
    const d = fresh();
    expect(find(d, 'タワー')).toEqual(['東京タワーに行きました']);
    expect(find(d, '行きました')).toEqual(['東京タワーに行きました']);
    expect(find(d, '抹茶を飲')).toEqual(['京都で抹茶を飲んだ']);
    expect(find(d, '東京タワー 行き')).toEqual(['東京タワーに行きました']);
    expect(find(d, '会議です。')).toEqual(['明日は東京で会議です']);
    expect(find(d, 'ロンドン')).toEqual([]);
  });

  it('finds one or two CJK characters (shorter than a trigram) with LIKE, in all chats or one', () => {
    const d = fresh();
    expect(toMessageSearch('東京').match).toBeNull();
    expect(find(d, '東京')).toEqual(['明日は東京で会議です', '東京タワーに行きました']);
    expect(find(d, '東京', GROUP_A)).toEqual(['東京タワーに行きました']);
    expect(find(d, '茶')).toEqual(['京都で抹茶を飲んだ']);
    expect(find(d, '京')).toEqual(['京都で抹茶を飲んだ', '明日は東京で会議です', '東京タワーに行きました']);
    expect(find(d, '東京 会議')).toEqual(['明日は東京で会議です']);
    expect(find(d, 'ok')).toEqual([]);
  });

  it('treats the search text as text: no FTS syntax, no LIKE wildcards', () => {
    const d = fresh();
    expect(find(d, '"unbalanced OR NEAR(')).toEqual([]);
    expect(find(d, 'fox OR lazy')).toEqual([]);
    expect(find(d, '%')).toEqual(['I am 100% sure']);
    expect(find(d, '_')).toEqual(['snake_case and a\\b']);
    expect(find(d, '\\')).toEqual(['snake_case and a\\b']);
    expect(find(d, 'e_c')).toEqual(['snake_case and a\\b']);
    // Quotes around a word are punctuation (dropped); inside a word they are doubled, as FTS5 strings want.
    expect(toMessageSearch('a "b" c')).toEqual({ match: null, likes: ['%a%', '%b%', '%c%'] });
    expect(toMessageSearch('say he"llo _ %')).toEqual({ match: '"say" "he""llo"', likes: ['%\\_%', '%\\%%'] });
  });

  it('refuses a search with no words as SEARCH_QUERY_INVALID', async () => {
    await expectCode(() => toMessageSearch('   \u3000 '), 'SEARCH_QUERY_INVALID');
    await expectCode(() => toMessageSearch(''), 'SEARCH_QUERY_INVALID');
  });

  it('keeps the index with the messages: deleted messages are no longer found', () => {
    const d = fresh();
    d.prepare("DELETE FROM messages WHERE body LIKE '東京タワー%'").run();
    expect(find(d, 'タワー')).toEqual([]);
    d.prepare("UPDATE messages SET body = '大阪城に行きました' WHERE body LIKE '京都%'").run();
    expect(find(d, '抹茶を')).toEqual([]);
    expect(find(d, '大阪城')).toEqual(['大阪城に行きました']);
  });

  it('leaves out the messages of a direct chat merged into another (their texts were carried there)', () => {
    const d = fresh();
    expect(find(d, 'fox')).toEqual(['The quick brown fox', 'fox-photo.png']);
    // GROUP_A folded into GROUP_B, its text carried there: found once, in the kept chat.
    directMergesWriter(createStatementCache(d)).merge(GROUP_A, GROUP_B, clock);
    messagesWriter(createStatementCache(d)).insert(row(GROUP_B, 'The quick brown fox'));
    expect(find(d, 'fox')).toEqual(['The quick brown fox', 'fox-photo.png']);
    expect(find(d, 'quick')).toEqual(['The quick brown fox']);
    const [found] = messagesReader(createStatementCache(d)).search(undefined, toMessageSearch('quick'), 100);
    expect(Buffer.from(found?.groupId ?? []).equals(Buffer.from(GROUP_B))).toBe(true);
    // Short words (LIKE only) and a search inside the merged chat leave it out too.
    expect(find(d, '東京')).toEqual(['明日は東京で会議です']);
    expect(find(d, 'lazy', GROUP_A)).toEqual([]);
    expect(find(d, '京', GROUP_B)).toEqual(['京都で抹茶を飲んだ', '明日は東京で会議です']);
  });

  it('re-indexes the history of a profile upgraded from before 0010', () => {
    // The old profile is built by applying migrations only up to 0009 (as the previous release did),
    // so later migrations added after 0010 cannot change what "old" means here.
    const path = join(store.dir, 'old.db');
    const old = store.openBare(path);
    runMigrations(
      old,
      MIGRATIONS.filter((m) => m.version <= 9),
    );
    expect(old.pragma('user_version', { simple: true })).toBe(9);
    const w = messagesWriter(createStatementCache(old));
    for (const [g, body, file] of HISTORY) w.insert(row(g, body, file));
    // The word index of old cannot find the middle of a Japanese sentence.
    expect(old.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get('"タワー"')).toEqual({ n: 0 });
    old.close();

    const d = store.open(path);
    expect(d.pragma('user_version', { simple: true })).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version);
    expect(find(d, 'タワー')).toEqual(['東京タワーに行きました']);
    expect(find(d, '東京')).toEqual(['明日は東京で会議です', '東京タワーに行きました']);
    expect(find(d, 'fox')).toEqual(['The quick brown fox', 'fox-photo.png']);
    // New messages are indexed by the rebuilt triggers.
    messagesWriter(createStatementCache(d)).insert(row(GROUP_B, '新しいメッセージ'));
    expect(find(d, 'メッセージ')).toEqual(['新しいメッセージ']);
    // FTS5's own check throws (SQLITE_CORRUPT_VTAB) when the index disagrees with the messages.
    expect(() => d.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")).not.toThrow();
  });

  it('merges the index 16 segments at a time, only when asked (0013, 0016), and stays whole and searchable through a burst of small commits', () => {
    const d = fresh();
    const config = Object.fromEntries((d.prepare('SELECT k, v FROM messages_fts_config').all() as { k: string; v: number }[]).map((r) => [r.k, r.v]));
    expect(config).toMatchObject({ automerge: 0, usermerge: 16, crisismerge: 64 });
    // A receive burst: many commits of a few rows each, every one writing a new segment.
    const w = messagesWriter(createStatementCache(d));
    for (let c = 0; c < 120; c++) d.transaction(() => { for (let i = 0; i < 5; i++) w.insert(row(GROUP_A, `burst ${c}-${i} 東京タワー`)); })();
    expect(messagesReader(createStatementCache(d)).search(undefined, toMessageSearch('東京タワー'), 1_000)).toHaveLength(601);
    expect(find(d, 'burst 77-3')).toEqual(['burst 77-3 東京タワー']);
    expect(() => d.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")).not.toThrow();
  });
});
