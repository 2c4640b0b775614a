import type { Migration } from '../store/migrations/migration.js';

/**
 * The controller's own SQLite schema (separate from any profile's kizuna.db). One entry per version,
 * applied in order, each in its own transaction; never edit a shipped one, add the next.
 */
export const CONTROLLER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
-- Channels the controller's moderator owns. channel_id is the channel's SLIM name.
CREATE TABLE channels (
  channel_id  TEXT PRIMARY KEY,
  moderators  TEXT NOT NULL,            -- JSON array of SLIM names
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE participants (
  channel_id     TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
  participant_id TEXT NOT NULL,          -- SLIM name
  operation_id   TEXT NOT NULL,          -- Ack.original_message_id of the AddParticipant
  added_at       INTEGER NOT NULL,
  PRIMARY KEY (channel_id, participant_id)
) STRICT;

-- SLIM nodes that registered over the southbound stream (node_id as the node reports it).
CREATE TABLE nodes (
  node_id        TEXT PRIMARY KEY,
  endpoints      TEXT NOT NULL,          -- JSON array of the node's data-plane endpoints
  registered_at  INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL
) STRICT;

-- Links a node opens to another node's endpoint (desired state, re-applied when the node registers).
CREATE TABLE connections (
  node_id        TEXT NOT NULL REFERENCES nodes (node_id) ON DELETE CASCADE,
  connection_id  TEXT NOT NULL,
  link_id        TEXT NOT NULL UNIQUE,   -- what the node and its peer call the link
  endpoint       TEXT NOT NULL,          -- the far end, as given in config_data
  config_data    TEXT NOT NULL,          -- the caller's JSON, as given
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (node_id, connection_id)
) STRICT;

-- Routes: a name forwarded by node_id over a link (outgoing: the node opened it; incoming: the far end).
CREATE TABLE subscriptions (
  subscription_id TEXT PRIMARY KEY,
  node_id         TEXT NOT NULL REFERENCES nodes (node_id) ON DELETE CASCADE,
  component_0     TEXT NOT NULL,
  component_1     TEXT NOT NULL,
  component_2     TEXT NOT NULL,
  instance_id     TEXT,                  -- decimal u64, or NULL for any instance
  connection_id   TEXT NOT NULL,
  link_id         TEXT NOT NULL,
  direction       TEXT NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
  created_at      INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX subscriptions_unique ON subscriptions (node_id, component_0, component_1, component_2, COALESCE(instance_id, ''), link_id);
`,
  },
];
