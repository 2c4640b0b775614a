import type { Migration } from './migration.js';

/**
 * Verified contacts (issue 11): the digest of someone's keys as they were when we compared safety
 * numbers (NULL: not verified), when, and when a verified person's keys were seen to change (NULL:
 * no warning waiting for the user to acknowledge).
 */
export const migration0009: Migration = {
  version: 9,
  name: 'verified-contacts',
  sql: `
ALTER TABLE people ADD COLUMN verified_keys BLOB;
ALTER TABLE people ADD COLUMN verified_at INTEGER;
ALTER TABLE people ADD COLUMN key_changed_at INTEGER;
`,
};
