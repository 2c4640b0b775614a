import type { Migration } from './migration.js';

/**
 * Seed 000's max_retries and timeout, per session (group), kept across restarts. A NULL column
 * follows the session layer's own value. Local to this device: it says how hard we try to send,
 * nothing other members need to agree on. Also the reasons a message will never reach someone.
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

-- Members one of our messages will never reach, and why: 'removed' (they left or were removed before
-- they had it) or 'refused' (sent after our own removal's cutoff: every member refuses it).
CREATE TABLE delivery_failures (
  message_id BLOB NOT NULL,
  member     BLOB NOT NULL,
  reason     TEXT NOT NULL CHECK (reason IN ('removed', 'refused')),
  at         INTEGER NOT NULL,
  PRIMARY KEY (message_id, member)
) STRICT;
`,
};
