import type { Migration } from './migration.js';

/**
 * Cheaper message writes for the trigram search index (issue 13). Indexing a message row by row, in
 * the transaction that stores it, made the index the largest cost of receiving: every small commit
 * of a burst wrote a new FTS5 segment and merged small segments again (every page also encrypted by
 * the page cipher); with the insert trigger dropped, ingest of unencrypted groups was ~30 % faster.
 *
 * So a stored message only enters `search_pending` (its rowid) in the transaction that stores it, and
 * rows are indexed later, many per transaction (messages-table.ts `indexPendingSearch`): deleting a
 * pending row indexes its message (the trigger below), so one DELETE statement moves a batch into the
 * index atomically; a crash before it leaves the rows pending, a crash after leaves them indexed,
 * never half. A search first indexes whatever is pending, so it never misses a stored message.
 * A pending message deleted or edited needs no index change (it is indexed as it is when its turn
 * comes); an indexed one is taken out and put in again as before.
 *
 * automerge 16 / crisismerge 64: merges 16 same-level segments at a time instead of 4, and keeps a
 * forced merge out of most commits (~18 % less write cost in commits of 25 rows, same query time;
 * the settings live in the index's own config table).
 *
 * Existing rows are all indexed already (0010 re-indexed them): nothing is pending after this.
 */
export const migration0013: Migration = {
  version: 13,
  name: 'search-index-queue',
  sql: `
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 16);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('crisismerge', 64);

CREATE TABLE search_pending (msg_rowid INTEGER PRIMARY KEY) STRICT;
CREATE TRIGGER search_pending_index AFTER DELETE ON search_pending BEGIN
  INSERT INTO messages_fts (rowid, body, file_name) SELECT rowid, body, coalesce(file_name, '') FROM messages WHERE rowid = old.msg_rowid;
END;

DROP TRIGGER messages_fts_insert;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO search_pending (msg_rowid) VALUES (new.rowid);
END;

DROP TRIGGER messages_fts_delete;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body, file_name)
    SELECT 'delete', old.rowid, old.body, coalesce(old.file_name, '') WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE msg_rowid = old.rowid);
  -- The message row is gone, so search_pending_index finds nothing to index for it.
  DELETE FROM search_pending WHERE msg_rowid = old.rowid;
END;

DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, file_name ON messages
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE msg_rowid = old.rowid) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body, file_name) VALUES ('delete', old.rowid, old.body, coalesce(old.file_name, ''));
  INSERT INTO messages_fts (rowid, body, file_name) VALUES (new.rowid, new.body, coalesce(new.file_name, ''));
END;
`,
};
