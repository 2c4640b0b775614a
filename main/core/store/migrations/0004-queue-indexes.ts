import type { Migration } from './migration.js';

/**
 * The inbox's partial index (state IN ('new', 'deferred')) could not serve `state = 'new'`: SQLite
 * does not prove the one implies the other, so every batch scanned the whole inbox, raw bytes and
 * all (measured: more than half of a 10,000-message catch-up). A plain index on (state, id) can.
 * And acks look their jobs up by envelope id, which had no index (a scan of the outbox per ack).
 */
export const migration0004: Migration = {
  version: 4,
  name: 'queue-indexes',
  sql: `
DROP INDEX inbox_pending;
CREATE INDEX inbox_by_state ON inbox (state, id);
CREATE INDEX inbox_by_group_state ON inbox (group_id, state);
CREATE INDEX outbox_by_envelope ON outbox (envelope_id);
`,
};
