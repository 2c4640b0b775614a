import type { Migration } from './migration.js';

/**
 * Direct (one-to-one) chats: a group whose signed version 0 says `direct`. Kept on the row so the
 * group list and the rules need not decode version 0 again.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'direct-chats',
  sql: `
ALTER TABLE groups ADD COLUMN direct INTEGER NOT NULL DEFAULT 0;
`,
};
