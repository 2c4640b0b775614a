/**
 * The controller's state in SQLite: channels and participants, nodes, connections and subscriptions.
 * Everything an operator created survives a restart; nodes re-register and get their links and routes
 * again (node-control.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { runMigrations } from '../store/migrations/migration.js';
import { createStatementCache } from '../store/statement-cache.js';
import { CONTROLLER_MIGRATIONS } from './controller-migrations.js';

export interface ChannelRow {
  channelId: string;
  moderators: string[];
  createdAt: number;
}

export interface ParticipantRow {
  channelId: string;
  participantId: string;
  operationId: string;
  addedAt: number;
}

export interface NodeRow {
  nodeId: string;
  endpoints: string[];
  registeredAt: number;
  lastSeenAt: number;
}

export interface ConnectionRow {
  nodeId: string;
  connectionId: string;
  linkId: string;
  endpoint: string;
  configData: string;
  createdAt: number;
}

export type RouteDirection = 'outgoing' | 'incoming';

export interface SubscriptionRow {
  subscriptionId: string;
  nodeId: string;
  component0: string;
  component1: string;
  component2: string;
  /** decimal u64, or null for any instance */
  instanceId: string | null;
  connectionId: string;
  linkId: string;
  direction: RouteDirection;
  createdAt: number;
}

export interface ControllerStore {
  transaction<T>(fn: () => T): T;
  // channels
  channel(channelId: string): ChannelRow | undefined;
  channels(): ChannelRow[];
  insertChannel(row: ChannelRow): void;
  deleteChannel(channelId: string): void;
  participant(channelId: string, participantId: string): ParticipantRow | undefined;
  participants(channelId: string): ParticipantRow[];
  insertParticipant(row: ParticipantRow): void;
  deleteParticipant(channelId: string, participantId: string): void;
  // nodes
  node(nodeId: string): NodeRow | undefined;
  nodes(): NodeRow[];
  upsertNode(row: NodeRow): void;
  // connections
  connection(nodeId: string, connectionId: string): ConnectionRow | undefined;
  connectionByLink(linkId: string): ConnectionRow | undefined;
  /** A connection by its id, whichever node owns it (ids are per node; the oldest wins a tie). */
  connectionsById(connectionId: string): ConnectionRow[];
  connections(nodeId: string): ConnectionRow[];
  insertConnection(row: ConnectionRow): void;
  // subscriptions
  subscription(subscriptionId: string): SubscriptionRow | undefined;
  subscriptions(nodeId: string): SubscriptionRow[];
  subscriptionsOverLink(linkId: string): SubscriptionRow[];
  findSubscription(nodeId: string, c0: string, c1: string, c2: string, instanceId: string | null, linkId: string): SubscriptionRow | undefined;
  insertSubscription(row: SubscriptionRow): void;
  deleteSubscription(subscriptionId: string): void;
  close(): void;
}

const CHANNEL = 'channel_id AS channelId, moderators, created_at AS createdAt';
const PARTICIPANT = 'channel_id AS channelId, participant_id AS participantId, operation_id AS operationId, added_at AS addedAt';
const NODE = 'node_id AS nodeId, endpoints, registered_at AS registeredAt, last_seen_at AS lastSeenAt';
const CONNECTION = 'node_id AS nodeId, connection_id AS connectionId, link_id AS linkId, endpoint, config_data AS configData, created_at AS createdAt';
const SUBSCRIPTION =
  'subscription_id AS subscriptionId, node_id AS nodeId, component_0 AS component0, component_1 AS component1, component_2 AS component2, instance_id AS instanceId, connection_id AS connectionId, link_id AS linkId, direction, created_at AS createdAt';

type RawChannel = Omit<ChannelRow, 'moderators'> & { moderators: string };
type RawNode = Omit<NodeRow, 'endpoints'> & { endpoints: string };

const channelFrom = (r: RawChannel): ChannelRow => ({ ...r, moderators: JSON.parse(r.moderators) as string[] });
const nodeFrom = (r: RawNode): NodeRow => ({ ...r, endpoints: JSON.parse(r.endpoints) as string[] });

/** Opens (or creates) the controller database at `path` (WAL, foreign keys, migrations). */
export function openControllerStore(path: string): ControllerStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    runMigrations(db, CONTROLLER_MIGRATIONS);
  } catch (error) {
    if (error instanceof KizunaError) throw error;
    throw new KizunaError('STORE_CORRUPT', `The controller database at ${path} cannot be opened.`, undefined, { cause: error });
  }
  const q = createStatementCache(db);
  return {
    transaction: (fn) => (db.inTransaction ? fn() : db.transaction(fn)()),
    channel: (id) => {
      const r = q(`SELECT ${CHANNEL} FROM channels WHERE channel_id = ?`).get(id) as RawChannel | undefined;
      return r === undefined ? undefined : channelFrom(r);
    },
    channels: () => (q(`SELECT ${CHANNEL} FROM channels ORDER BY created_at, channel_id`).all() as RawChannel[]).map(channelFrom),
    insertChannel: (r) => void q('INSERT INTO channels (channel_id, moderators, created_at) VALUES (?, ?, ?)').run(r.channelId, JSON.stringify(r.moderators), r.createdAt),
    deleteChannel: (id) => void q('DELETE FROM channels WHERE channel_id = ?').run(id),
    participant: (c, p) => q(`SELECT ${PARTICIPANT} FROM participants WHERE channel_id = ? AND participant_id = ?`).get(c, p) as ParticipantRow | undefined,
    participants: (c) => q(`SELECT ${PARTICIPANT} FROM participants WHERE channel_id = ? ORDER BY added_at, participant_id`).all(c) as ParticipantRow[],
    insertParticipant: (r) =>
      void q('INSERT INTO participants (channel_id, participant_id, operation_id, added_at) VALUES (?, ?, ?, ?)').run(r.channelId, r.participantId, r.operationId, r.addedAt),
    deleteParticipant: (c, p) => void q('DELETE FROM participants WHERE channel_id = ? AND participant_id = ?').run(c, p),
    node: (id) => {
      const r = q(`SELECT ${NODE} FROM nodes WHERE node_id = ?`).get(id) as RawNode | undefined;
      return r === undefined ? undefined : nodeFrom(r);
    },
    nodes: () => (q(`SELECT ${NODE} FROM nodes ORDER BY node_id`).all() as RawNode[]).map(nodeFrom),
    upsertNode: (r) =>
      void q(
        `INSERT INTO nodes (node_id, endpoints, registered_at, last_seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (node_id) DO UPDATE SET endpoints = excluded.endpoints, last_seen_at = excluded.last_seen_at`,
      ).run(r.nodeId, JSON.stringify(r.endpoints), r.registeredAt, r.lastSeenAt),
    connection: (n, c) => q(`SELECT ${CONNECTION} FROM connections WHERE node_id = ? AND connection_id = ?`).get(n, c) as ConnectionRow | undefined,
    connectionByLink: (l) => q(`SELECT ${CONNECTION} FROM connections WHERE link_id = ?`).get(l) as ConnectionRow | undefined,
    connectionsById: (c) => q(`SELECT ${CONNECTION} FROM connections WHERE connection_id = ? ORDER BY created_at`).all(c) as ConnectionRow[],
    connections: (n) => q(`SELECT ${CONNECTION} FROM connections WHERE node_id = ? ORDER BY created_at`).all(n) as ConnectionRow[],
    insertConnection: (r) =>
      void q('INSERT INTO connections (node_id, connection_id, link_id, endpoint, config_data, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        r.nodeId,
        r.connectionId,
        r.linkId,
        r.endpoint,
        r.configData,
        r.createdAt,
      ),
    subscription: (id) => q(`SELECT ${SUBSCRIPTION} FROM subscriptions WHERE subscription_id = ?`).get(id) as SubscriptionRow | undefined,
    subscriptions: (n) => q(`SELECT ${SUBSCRIPTION} FROM subscriptions WHERE node_id = ? ORDER BY created_at`).all(n) as SubscriptionRow[],
    subscriptionsOverLink: (l) => q(`SELECT ${SUBSCRIPTION} FROM subscriptions WHERE link_id = ? ORDER BY created_at`).all(l) as SubscriptionRow[],
    findSubscription: (n, c0, c1, c2, id, l) =>
      q(
        `SELECT ${SUBSCRIPTION} FROM subscriptions WHERE node_id = ? AND component_0 = ? AND component_1 = ? AND component_2 = ?
           AND COALESCE(instance_id, '') = ? AND link_id = ?`,
      ).get(n, c0, c1, c2, id ?? '', l) as SubscriptionRow | undefined,
    insertSubscription: (r) =>
      void q(
        `INSERT INTO subscriptions (subscription_id, node_id, component_0, component_1, component_2, instance_id, connection_id, link_id, direction, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.subscriptionId, r.nodeId, r.component0, r.component1, r.component2, r.instanceId, r.connectionId, r.linkId, r.direction, r.createdAt),
    deleteSubscription: (id) => void q('DELETE FROM subscriptions WHERE subscription_id = ?').run(id),
    close: () => {
      if (db.open) db.close();
    },
  };
}
