import type { Migration } from './migration.js';

/**
 * The first schema. Conventions: ids and keys are BLOBs, times are INTEGER ms since the Unix epoch
 * (UTC), secrets are stored only as *_sealed BLOBs (encrypted with the local key, see AtRestCipher).
 */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT;

-- The local user. One row.
CREATE TABLE identity (
  id                  INTEGER PRIMARY KEY CHECK (id = 1),
  sign_public         BLOB NOT NULL,
  sign_secret_sealed  BLOB NOT NULL,
  box_public          BLOB NOT NULL,
  box_secret_sealed   BLOB NOT NULL,
  display_name        TEXT NOT NULL,
  slim_name           TEXT NOT NULL,
  created_at          INTEGER NOT NULL
) STRICT;

-- Everyone we know a key for: contacts we added or blocked, and people met through groups.
CREATE TABLE people (
  user_id        BLOB PRIMARY KEY,
  box_public     BLOB NOT NULL,
  display_name   TEXT NOT NULL,
  slim_name      TEXT NOT NULL,
  contact_state  TEXT NOT NULL CHECK (contact_state IN ('none', 'added', 'blocked')),
  added_at       INTEGER,
  blocked_at     INTEGER,
  updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX people_by_state ON people (contact_state, display_name);

CREATE TABLE groups (
  group_id         BLOB PRIMARY KEY,
  mode             TEXT NOT NULL CHECK (mode IN ('mls', 'sealed', 'none')),
  creator          BLOB NOT NULL,
  created_at       INTEGER NOT NULL,
  name             TEXT NOT NULL,
  avatar           BLOB,
  avatar_mime      TEXT,
  latest_version   INTEGER NOT NULL,
  epoch            INTEGER NOT NULL,
  my_state         TEXT NOT NULL CHECK (my_state IN ('invited', 'joining', 'joined', 'declined', 'left', 'removed', 'closed')),
  joined_epoch     INTEGER,
  muted            INTEGER NOT NULL DEFAULT 0,
  last_activity_at INTEGER NOT NULL,
  last_message_id  BLOB,
  unread_count     INTEGER NOT NULL DEFAULT 0,
  last_read_at     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX groups_by_activity ON groups (last_activity_at DESC);

-- Every signed version of every group, as received, and what it says.
CREATE TABLE group_versions (
  group_id     BLOB NOT NULL,
  version      INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  signed_bytes BLOB NOT NULL,
  hash         BLOB NOT NULL,
  name         TEXT NOT NULL,
  epoch        INTEGER NOT NULL,
  author       BLOB NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (group_id, version)
) STRICT;

-- Current members (the creator included, role 'admin'). status 'invited' until they join.
CREATE TABLE group_members (
  group_id      BLOB NOT NULL,
  user_id       BLOB NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  status        TEXT NOT NULL CHECK (status IN ('invited', 'joined')),
  since_version INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
) STRICT;

-- Who may send in each key epoch: a receiver checks a sender against the roster of the envelope's epoch.
CREATE TABLE epochs (
  group_id   BLOB NOT NULL,
  epoch      INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  roster     BLOB NOT NULL,
  commitment BLOB,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, epoch)
) STRICT;

-- Members removed (or gone) from a group: the last sequence number accepted from them.
CREATE TABLE sender_cutoffs (
  group_id BLOB NOT NULL,
  sender   BLOB NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (group_id, sender)
) STRICT, WITHOUT ROWID;

-- Sealed mode: one 32-byte secret per epoch (seed 004), sealed at rest.
CREATE TABLE group_secrets (
  group_id      BLOB NOT NULL,
  epoch         INTEGER NOT NULL,
  secret_sealed BLOB NOT NULL,
  PRIMARY KEY (group_id, epoch)
) STRICT;

-- MLS mode: the ts-mls state after each epoch change, sealed at rest.
CREATE TABLE mls_states (
  group_id     BLOB NOT NULL,
  epoch        INTEGER NOT NULL,
  state_sealed BLOB NOT NULL,
  PRIMARY KEY (group_id, epoch)
) STRICT;

-- Our own MLS key packages handed out in join replies, until a welcome consumes them.
CREATE TABLE mls_key_packages (
  group_id        BLOB PRIMARY KEY,
  public_package  BLOB NOT NULL,
  private_sealed  BLOB NOT NULL,
  created_at      INTEGER NOT NULL
) STRICT;

-- Invitations waiting for the user's answer.
CREATE TABLE invitations (
  group_id     BLOB PRIMARY KEY,
  inviter      BLOB NOT NULL,
  version      INTEGER NOT NULL,
  invite_bytes BLOB NOT NULL,
  received_at  INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'stale'))
) STRICT;

CREATE TABLE messages (
  rowid         INTEGER PRIMARY KEY,
  id            BLOB NOT NULL UNIQUE,
  group_id      BLOB NOT NULL,
  sender        BLOB NOT NULL,
  seq           INTEGER NOT NULL,
  epoch         INTEGER NOT NULL,
  sent_at       INTEGER NOT NULL,
  received_at   INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('text', 'file', 'media')),
  body          TEXT NOT NULL,
  reply_to      BLOB,
  file_name     TEXT,
  file_size     INTEGER,
  file_mime     TEXT,
  file_hash     BLOB,
  send_state    TEXT NOT NULL CHECK (send_state IN ('received', 'pending', 'sent', 'delivered', 'read', 'failed'))
) STRICT;
CREATE INDEX messages_by_time ON messages (group_id, sent_at, id);
CREATE INDEX messages_by_kind ON messages (group_id, kind, sent_at, id);

CREATE VIRTUAL TABLE messages_fts USING fts5 (
  body, file_name, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, body, file_name) VALUES (new.rowid, new.body, coalesce(new.file_name, ''));
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body, file_name) VALUES ('delete', old.rowid, old.body, coalesce(old.file_name, ''));
END;

CREATE TABLE receipts (
  message_id BLOB NOT NULL,
  reader     BLOB NOT NULL,
  read_at    INTEGER NOT NULL,
  PRIMARY KEY (message_id, reader)
) STRICT, WITHOUT ROWID;

-- Per-member delivery acks of our own sequenced envelopes (send state 'delivered').
CREATE TABLE deliveries (
  envelope_id BLOB NOT NULL,
  member      BLOB NOT NULL,
  acked_at    INTEGER NOT NULL,
  PRIMARY KEY (envelope_id, member)
) STRICT, WITHOUT ROWID;

CREATE TABLE pins (
  group_id   BLOB NOT NULL,
  message_id BLOB NOT NULL,
  pinned_by  BLOB NOT NULL,
  pinned_at  INTEGER NOT NULL,
  PRIMARY KEY (group_id, message_id)
) STRICT, WITHOUT ROWID;

-- File contents live encrypted on disk (files/<hash>); this tracks what we have of each.
CREATE TABLE files (
  hash         BLOB PRIMARY KEY,
  size         INTEGER NOT NULL,
  chunk_count  INTEGER NOT NULL,
  chunks_have  INTEGER NOT NULL,
  chunk_bitmap BLOB NOT NULL,
  complete     INTEGER NOT NULL
) STRICT;

-- Every accepted sequenced channel envelope, as ciphertext: answers catch-up and retransmission
-- requests, and is the replay guard for (group, sender, seq).
CREATE TABLE channel_log (
  group_id    BLOB NOT NULL,
  sender      BLOB NOT NULL,
  seq         INTEGER NOT NULL,
  epoch       INTEGER NOT NULL,
  type        TEXT NOT NULL,
  envelope_id BLOB NOT NULL,
  bytes       BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, sender, seq)
) STRICT;

-- Unsequenced envelopes already handled (replay guard), pruned after a while.
CREATE TABLE seen_envelopes (
  envelope_id BLOB PRIMARY KEY,
  seen_at     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Per (group, sender): the highest contiguous sequence number we hold (catch-up cursor).
CREATE TABLE sync_cursors (
  group_id   BLOB NOT NULL,
  sender     BLOB NOT NULL,
  contiguous INTEGER NOT NULL,
  highest    INTEGER NOT NULL,
  first_seq  INTEGER NOT NULL,
  PRIMARY KEY (group_id, sender)
) STRICT, WITHOUT ROWID;

-- Our own next sequence number per group.
CREATE TABLE own_sequences (
  group_id BLOB PRIMARY KEY,
  next_seq INTEGER NOT NULL
) STRICT;

-- Raw envelopes as received, stored before processing so a crash loses nothing.
CREATE TABLE inbox (
  id          INTEGER PRIMARY KEY,
  bytes       BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  origin      TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('new', 'deferred', 'done', 'dropped')),
  group_id    BLOB,
  reason      TEXT,
  attempts    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX inbox_pending ON inbox (state, id) WHERE state IN ('new', 'deferred');

-- Envelopes to send. A job is written in the same transaction as what it sends.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  envelope_id     BLOB NOT NULL,
  group_id        BLOB NOT NULL,
  type            TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  destination     TEXT NOT NULL CHECK (destination IN ('group', 'user')),
  recipient       BLOB,
  slim_name       TEXT NOT NULL,
  bytes           BLOB NOT NULL,
  message_id      BLOB,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'acked', 'failed', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  last_error      TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at) WHERE state IN ('pending', 'sent');
CREATE INDEX outbox_by_message ON outbox (message_id) WHERE message_id IS NOT NULL;

-- Dropped input, counted by reason (bad signature, replay, not a member, ...).
CREATE TABLE drop_counts (
  reason TEXT PRIMARY KEY,
  count  INTEGER NOT NULL
) STRICT;
`,
};
