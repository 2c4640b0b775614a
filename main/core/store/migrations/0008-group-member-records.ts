import type { Migration } from './migration.js';

/**
 * Per-group member records (issue 8, class 1): a co-member's box key, display name and SLIM name as
 * the admin signed them into that group's versions, one row per (group, member), kept after the member
 * leaves so that its old messages still show its name. The shared people table is no longer written
 * from group versions. Existing groups are filled from what people held for their members.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'group-member-records',
  sql: `
CREATE TABLE group_member_records (
  group_id      BLOB NOT NULL,
  user_id       BLOB NOT NULL,
  box_public    BLOB NOT NULL,
  display_name  TEXT NOT NULL,
  slim_name     TEXT NOT NULL,
  since_version INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
) STRICT;
INSERT INTO group_member_records (group_id, user_id, box_public, display_name, slim_name, since_version)
  SELECT m.group_id, m.user_id, p.box_public, p.display_name, p.slim_name, m.since_version
  FROM group_members m JOIN people p ON p.user_id = m.user_id;
`,
};
