import type { Migration } from './migration.js';

/**
 * How far each member's cumulative ack has been counted, kept across restarts. Every member's heartbeat
 * says "I hold every one of your envelopes in this group up to seq N"; the engine turns that into
 * deliveries of our envelopes (engine/cumulative-acks.ts). The mark of what was already counted lived
 * only in memory, so after every restart each member's beats walked our whole history again, 4,096
 * envelopes a beat, rewriting deliveries that were already there. One row per (group, member), written
 * only when a beat counted something new.
 */
export const migration0015: Migration = {
  version: 15,
  name: 'cumulative-ack-marks',
  sql: `
CREATE TABLE cumulative_marks (
  group_id BLOB NOT NULL,
  member   BLOB NOT NULL,
  seq      INTEGER NOT NULL,
  PRIMARY KEY (group_id, member)
) STRICT, WITHOUT ROWID;
`,
};
