import type { Migration } from './migration.js';

/**
 * Contents decrypted from an envelope that then has to wait (a file chunk before its offer, a pin
 * before its message). MLS keys are single-use, so the envelope cannot be decrypted a second time:
 * the plaintext waits here, sealed with the local key, until the envelope is applied.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'held-plaintexts',
  sql: `
CREATE TABLE held_plaintexts (
  envelope_id      BLOB PRIMARY KEY,
  group_id         BLOB NOT NULL,
  plaintext_sealed BLOB NOT NULL,
  held_at          INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`,
};
