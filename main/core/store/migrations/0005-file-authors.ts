import type { Migration } from './migration.js';

/**
 * Who may fill a file (issue 8, class 3): the author of the first signed offer for its hash, in the
 * group it was offered in. Chunks from anyone else are refused. Rows from before this migration have
 * no author; their author is the sender of the first offer for the hash in the chunk's group.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'file-authors',
  sql: `
ALTER TABLE files ADD COLUMN author BLOB;
ALTER TABLE files ADD COLUMN group_id BLOB;
`,
};
