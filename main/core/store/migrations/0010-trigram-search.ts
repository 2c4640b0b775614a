import type { Migration } from './migration.js';

/**
 * Search across all chats in any language (issue 11). The word tokenizer (unicode61) cannot split
 * Japanese or Chinese, which have no spaces, so a sentence was one "word" and only its start could
 * be found. The trigram tokenizer indexes every three characters, so any substring of three or more
 * characters is found in any script; shorter words are matched with LIKE on the same content (see
 * messages-table.ts). The index is rebuilt and every stored message re-indexed here, inside the
 * migration's transaction, so an upgraded profile finds its old history at once. An update trigger
 * is added too, so the index can never drift from a changed body or file name.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'trigram-search',
  sql: `
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TABLE messages_fts;

CREATE VIRTUAL TABLE messages_fts USING fts5 (
  body, file_name, content = 'messages', content_rowid = 'rowid', tokenize = 'trigram remove_diacritics 1'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, body, file_name) VALUES (new.rowid, new.body, coalesce(new.file_name, ''));
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body, file_name) VALUES ('delete', old.rowid, old.body, coalesce(old.file_name, ''));
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, file_name ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body, file_name) VALUES ('delete', old.rowid, old.body, coalesce(old.file_name, ''));
  INSERT INTO messages_fts (rowid, body, file_name) VALUES (new.rowid, new.body, coalesce(new.file_name, ''));
END;

INSERT INTO messages_fts (rowid, body, file_name) SELECT rowid, body, coalesce(file_name, '') FROM messages;
`,
};
