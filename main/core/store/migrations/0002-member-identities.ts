import type { Migration } from './migration.js';

/**
 * Verified identities of group members (issue 5): who vouched for a member's signing key, as checked
 * from the identity token the member presented when joining (by the admin) or that the admin announced
 * (by every other member). Kept apart from group_members, which is rebuilt on every group version.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'member-identities',
  sql: `
CREATE TABLE member_identities (
  group_id    BLOB NOT NULL,
  user_id     BLOB NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('shared-secret', 'jwt')),
  issuer      TEXT NOT NULL,
  subject     TEXT NOT NULL,
  expires_at  INTEGER,
  verified_at INTEGER NOT NULL,
  -- the token itself: the admin hands it on to members who join later (Welcome.member_tokens)
  token       TEXT NOT NULL,
  PRIMARY KEY (group_id, user_id)
) STRICT;
`,
};
