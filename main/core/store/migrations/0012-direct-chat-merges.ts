import type { Migration } from './migration.js';

/**
 * Direct chats that converge (issue 11). `direct_chat_merges`: a direct chat that lost the tie-break
 * to another with the same person (the id that sorts first is kept); it is hidden and its view names
 * the kept one. `message_carries`: our own messages still to be sent again in a chat — from a merged
 * chat into the kept one (shown there), or, in a direct chat, what we wrote before the other person
 * joined (they start reading at their join, so it is sent again for them, not shown twice here).
 * `carried_as` is set in the same transaction that queues the new envelope: each is sent once.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'direct-chat-merges',
  sql: `
CREATE TABLE direct_chat_merges (
  group_id   BLOB PRIMARY KEY,
  kept       BLOB NOT NULL,
  merged_at  INTEGER NOT NULL
) STRICT;
CREATE TABLE message_carries (
  message_id   BLOB PRIMARY KEY,
  target_group BLOB NOT NULL,
  shown        INTEGER NOT NULL,
  carried_as   BLOB
) STRICT;
CREATE INDEX message_carries_waiting ON message_carries (target_group) WHERE carried_as IS NULL;
CREATE INDEX message_carries_copies ON message_carries (carried_as) WHERE carried_as IS NOT NULL;
`,
};
