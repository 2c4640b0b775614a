import type { Migration } from './migration.js';

/**
 * Seed 000's max_retries and timeout, per session (group), kept across restarts. A NULL column
 * follows the session layer's own value. Local to this device: it says how hard we try to send,
 * nothing other members need to agree on.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'retry-policies',
  sql: `
CREATE TABLE group_retry_policies (
  group_id    BLOB PRIMARY KEY,
  max_retries INTEGER CHECK (max_retries IS NULL OR max_retries BETWEEN 0 AND 100),
  timeout_ms  INTEGER CHECK (timeout_ms IS NULL OR timeout_ms BETWEEN 100 AND 600000)
) STRICT;
`,
};
