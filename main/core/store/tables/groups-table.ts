import type { Prepare } from '../statement-cache.js';
import { idsKey, RowCache } from './row-cache.js';

export type EncryptionMode = 'mls' | 'sealed' | 'none';
export type MyGroupState = 'invited' | 'joining' | 'joined' | 'declined' | 'left' | 'removed' | 'closed';

export interface GroupRow {
  groupId: Uint8Array;
  mode: EncryptionMode;
  creator: Uint8Array;
  createdAt: number;
  name: string;
  avatar: Uint8Array | null;
  avatarMime: string | null;
  latestVersion: number;
  epoch: number;
  myState: MyGroupState;
  joinedEpoch: number | null;
  muted: number;
  lastActivityAt: number;
  lastMessageId: Uint8Array | null;
  unreadCount: number;
  lastReadAt: number;
  /** 1 for a direct (one-to-one) chat, from the signed version 0. */
  direct: number;
}

export interface GroupVersionRow {
  groupId: Uint8Array;
  version: number;
  kind: string;
  signedBytes: Uint8Array;
  hash: Uint8Array;
  name: string;
  epoch: number;
  author: Uint8Array;
  createdAt: number;
}

export interface GroupMemberRow {
  userId: Uint8Array;
  role: 'admin' | 'member';
  status: 'invited' | 'joined';
  sinceVersion: number;
  displayName: string;
  slimName: string;
  boxPublic: Uint8Array;
}

export interface GroupsReader {
  get(groupId: Uint8Array): GroupRow | undefined;
  list(): GroupRow[];
  version(groupId: Uint8Array, version: number): GroupVersionRow | undefined;
  versions(groupId: Uint8Array): GroupVersionRow[];
  /** The roster in display order (cached between writes: every sent message and group view reads it). */
  members(groupId: Uint8Array): readonly GroupMemberRow[];
  member(groupId: Uint8Array, userId: Uint8Array): GroupMemberRow | undefined;
  /** Anyone the group's applied versions ever named, current members or not. */
  memberRecord(groupId: Uint8Array, userId: Uint8Array): GroupMemberRecord | undefined;
  /** Who the group's applied versions named once but its roster no longer holds (left or removed). */
  formerMembers(groupId: Uint8Array): Uint8Array[];
  /** Members allowed to send in `epoch`, or undefined when this device does not know that epoch. */
  roster(groupId: Uint8Array, epoch: number): Uint8Array[] | undefined;
  epochs(groupId: Uint8Array): { epoch: number; version: number; startedAt: number }[];
  /** The last sequence number accepted from a member who was removed or left. */
  cutoff(groupId: Uint8Array, sender: Uint8Array): number | undefined;
  /** Sealed mode: the admin-signed commitment to the epoch's secret. */
  commitment(groupId: Uint8Array, epoch: number): Uint8Array | undefined;
}

export interface GroupsWriter {
  insert(row: GroupRow): void;
  updateState(groupId: Uint8Array, fields: { name: string; avatar: Uint8Array | null; avatarMime: string | null; latestVersion: number; epoch: number }): void;
  setEpoch(groupId: Uint8Array, epoch: number): void;
  setMyState(groupId: Uint8Array, state: MyGroupState): void;
  setJoinedEpoch(groupId: Uint8Array, epoch: number): void;
  setMuted(groupId: Uint8Array, muted: boolean): void;
  noteActivity(groupId: Uint8Array, at: number, messageId: Uint8Array | null, unreadDelta: number): void;
  /** Marks every received message sent at most at `upTo` read (at `upTo`), then recounts the unread. */
  markRead(groupId: Uint8Array, upTo: number): void;
  /** Sets the group's unread count from its messages' read marks (after some were marked). */
  recountUnread(groupId: Uint8Array): void;
  /** The chat list's last message was deleted (retracted): point it at the newest message left (or none). */
  repointLastMessage(groupId: Uint8Array): void;
  insertVersion(row: GroupVersionRow): void;
  replaceMembers(groupId: Uint8Array, members: { userId: Uint8Array; role: 'admin' | 'member'; status: 'invited' | 'joined'; sinceVersion: number }[]): void;
  setMemberStatus(groupId: Uint8Array, userId: Uint8Array, status: 'invited' | 'joined'): void;
  recordMembers(groupId: Uint8Array, members: GroupMemberRecord[], version: number): void;
  insertEpoch(groupId: Uint8Array, epoch: number, version: number, roster: Uint8Array[], commitment: Uint8Array | null, startedAt: number): void;
  setCutoff(groupId: Uint8Array, sender: Uint8Array, lastSeq: number): void;
}

const GROUP_COLUMNS = `group_id AS groupId, mode, creator, created_at AS createdAt, name, avatar, avatar_mime AS avatarMime,
  latest_version AS latestVersion, epoch, my_state AS myState, joined_epoch AS joinedEpoch, muted,
  last_activity_at AS lastActivityAt, last_message_id AS lastMessageId, unread_count AS unreadCount, last_read_at AS lastReadAt, direct`;

const VERSION_COLUMNS = `group_id AS groupId, version, kind, signed_bytes AS signedBytes, hash, name, epoch, author, created_at AS createdAt`;

const MEMBER_COLUMNS = `m.user_id AS userId, m.role, m.status, m.since_version AS sinceVersion,
  r.display_name AS displayName, r.slim_name AS slimName, r.box_public AS boxPublic`;
/** A member's key, name and SLIM name come from the group's own record (its admin-signed versions), never from people. */
const MEMBER_JOIN = 'group_members m JOIN group_member_records r ON r.group_id = m.group_id AND r.user_id = m.user_id';

/** A co-member as the admin signed it into a group's versions (issue 8, class 1). */
export interface GroupMemberRecord {
  userId: Uint8Array;
  boxPublic: Uint8Array;
  displayName: string;
  slimName: string;
}

/** Rosters are stored as the members' 32-byte keys, sorted and concatenated. */
export function encodeRoster(keys: Uint8Array[]): Uint8Array {
  const sorted = [...keys].sort((a, b) => Buffer.compare(a, b));
  const out = new Uint8Array(sorted.length * 32);
  sorted.forEach((k, i) => out.set(k, i * 32));
  return out;
}

export function decodeRoster(blob: Uint8Array): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (let i = 0; i + 32 <= blob.byteLength; i += 32) keys.push(blob.subarray(i, i + 32));
  return keys;
}

/**
 * Rosters are read for every received envelope and written once per epoch: the reader keeps them
 * decoded in memory, and the writer drops an entry when it writes that epoch.
 */
export type RosterCache = Map<string, Uint8Array[] | undefined>;
const rosterKey = (id: Uint8Array, epoch: number): string => `${idsKey(id)}:${epoch}`;

/**
 * What the reader keeps between writes (row-cache.ts): the group row, a member's row and a member's
 * record are read for every received envelope (admission, the message view's sender name) and
 * change only when this writer writes them; the writer drops what it changes.
 */
export interface GroupsCaches {
  rosters: RosterCache;
  rows: RowCache<GroupRow>;
  members: RowCache<GroupMemberRow>;
  /** A group's whole member list, as `members()` orders it. */
  memberLists: RowCache<GroupMemberRow[]>;
  records: RowCache<GroupMemberRecord>;
}

export function groupsCaches(): GroupsCaches {
  return { rosters: new Map(), rows: new RowCache(), members: new RowCache(), memberLists: new RowCache(), records: new RowCache() };
}

export function clearGroupsCaches(c: GroupsCaches): void {
  c.rosters.clear();
  c.rows.clear();
  c.members.clear();
  c.memberLists.clear();
  c.records.clear();
}

/** Reader and writer of one store must share `caches` (the writer invalidates what the reader kept). */
export function groupsReader(prepare: Prepare, caches: GroupsCaches): GroupsReader {
  const { rosters, rows, members, memberLists, records } = caches;
  return {
    get: (id) => rows.get(idsKey(id), () => prepare(`SELECT ${GROUP_COLUMNS} FROM groups WHERE group_id = ?`).get(id) as GroupRow | undefined),
    // Every row is read, so the sort needs no index (migration 0014 dropped one that every message moved).
    list: () => prepare(`SELECT ${GROUP_COLUMNS} FROM groups ORDER BY last_activity_at DESC, group_id`).all() as GroupRow[],
    version: (id, v) => prepare(`SELECT ${VERSION_COLUMNS} FROM group_versions WHERE group_id = ? AND version = ?`).get(id, v) as GroupVersionRow | undefined,
    versions: (id) => prepare(`SELECT ${VERSION_COLUMNS} FROM group_versions WHERE group_id = ? ORDER BY version`).all(id) as GroupVersionRow[],
    members: (id) =>
      memberLists.get(idsKey(id), () =>
        prepare(
          `SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_JOIN}
           WHERE m.group_id = ? ORDER BY m.role, r.display_name COLLATE NOCASE, m.user_id`,
        ).all(id) as GroupMemberRow[]) ?? [],
    member: (id, userId) =>
      members.get(idsKey(id, userId), () =>
        prepare(`SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_JOIN} WHERE m.group_id = ? AND m.user_id = ?`).get(id, userId) as GroupMemberRow | undefined),
    memberRecord: (id, userId) =>
      records.get(idsKey(id, userId), () =>
        prepare(
          `SELECT user_id AS userId, box_public AS boxPublic, display_name AS displayName, slim_name AS slimName
           FROM group_member_records WHERE group_id = ? AND user_id = ?`,
        ).get(id, userId) as GroupMemberRecord | undefined),
    formerMembers: (id) =>
      (
        prepare(
          `SELECT r.user_id AS userId FROM group_member_records r WHERE r.group_id = ?
           AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = r.group_id AND m.user_id = r.user_id) ORDER BY r.user_id`,
        ).all(id) as { userId: Uint8Array }[]
      ).map((r) => r.userId),
    roster: (id, epoch) => {
      const key = rosterKey(id, epoch);
      if (rosters.has(key)) return rosters.get(key);
      const row = prepare('SELECT roster FROM epochs WHERE group_id = ? AND epoch = ?').get(id, epoch) as { roster: Uint8Array } | undefined;
      if (row === undefined) return undefined; // not cached: the epoch may arrive later
      const roster = decodeRoster(new Uint8Array(row.roster));
      if (rosters.size > 10_000) rosters.clear();
      rosters.set(key, roster);
      return roster;
    },
    cutoff: (id, sender) =>
      (prepare('SELECT last_seq AS s FROM sender_cutoffs WHERE group_id = ? AND sender = ?').get(id, sender) as { s: number } | undefined)?.s,
    commitment: (id, epoch) =>
      (prepare('SELECT commitment FROM epochs WHERE group_id = ? AND epoch = ?').get(id, epoch) as { commitment: Uint8Array | null } | undefined)
        ?.commitment ?? undefined,
    epochs: (id) =>
      prepare('SELECT epoch, version, started_at AS startedAt FROM epochs WHERE group_id = ? ORDER BY epoch').all(id) as {
        epoch: number;
        version: number;
        startedAt: number;
      }[],
  };
}

export function groupsWriter(prepare: Prepare, caches: GroupsCaches): GroupsWriter {
  const { rosters, rows, members: memberRows, memberLists, records } = caches;
  // Each write to a group's row drops the reader's copy first (a write that throws changed nothing).
  const row = (id: Uint8Array): Prepare => {
    rows.delete(idsKey(id));
    return prepare;
  };
  return {
    insert: (r) =>
      void row(r.groupId)(
        `INSERT INTO groups (group_id, mode, creator, created_at, name, avatar, avatar_mime, latest_version, epoch, my_state,
           joined_epoch, muted, last_activity_at, last_message_id, unread_count, last_read_at, direct)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.groupId, r.mode, r.creator, r.createdAt, r.name, r.avatar, r.avatarMime, r.latestVersion, r.epoch, r.myState,
        r.joinedEpoch, r.muted, r.lastActivityAt, r.lastMessageId, r.unreadCount, r.lastReadAt, r.direct),
    updateState: (id, f) =>
      void row(id)('UPDATE groups SET name = ?, avatar = ?, avatar_mime = ?, latest_version = ?, epoch = ? WHERE group_id = ?').run(
        f.name, f.avatar, f.avatarMime, f.latestVersion, f.epoch, id),
    setEpoch: (id, epoch) => void row(id)('UPDATE groups SET epoch = ? WHERE group_id = ?').run(epoch, id),
    setMyState: (id, state) => void row(id)('UPDATE groups SET my_state = ? WHERE group_id = ?').run(state, id),
    setJoinedEpoch: (id, epoch) => void row(id)('UPDATE groups SET joined_epoch = ? WHERE group_id = ?').run(epoch, id),
    setMuted: (id, muted) => void row(id)('UPDATE groups SET muted = ? WHERE group_id = ?').run(muted ? 1 : 0, id),
    // Every message sent or received moves these: the cached row takes the columns the write gives
    // back instead of being dropped and read again (twice per round trip, ~80 µs each on a cold cache).
    // A write that throws changed nothing, so the cached row still holds then.
    noteActivity: (id, at, messageId, unreadDelta) => {
      const moved = prepare(
        `UPDATE groups SET
           last_message_id = CASE WHEN ? IS NOT NULL AND ? >= last_activity_at THEN ? ELSE last_message_id END,
           last_activity_at = max(last_activity_at, ?),
           unread_count = unread_count + ?
         WHERE group_id = ?
         RETURNING last_message_id AS lastMessageId, last_activity_at AS lastActivityAt, unread_count AS unreadCount`,
      ).get(messageId, at, messageId, at, unreadDelta, id) as Pick<GroupRow, 'lastMessageId' | 'lastActivityAt' | 'unreadCount'> | undefined;
      if (moved === undefined) rows.delete(idsKey(id));
      else rows.patch(idsKey(id), (r) => ({ ...r, ...moved }));
    },
    markRead: (id, upTo) => {
      prepare(`UPDATE messages SET read_at = ? WHERE group_id = ? AND send_state = 'received' AND read_at IS NULL AND sent_at <= ?`).run(upTo, id, upTo);
      row(id)('UPDATE groups SET last_read_at = max(last_read_at, ?) WHERE group_id = ?').run(upTo, id);
      recountUnread(row(id), id);
    },
    recountUnread: (id) => recountUnread(row(id), id),
    repointLastMessage: (id) =>
      void row(id)(
        `UPDATE groups SET last_message_id =
           (SELECT m.id FROM messages m WHERE m.group_id = groups.group_id ORDER BY m.sent_at DESC, m.id DESC LIMIT 1)
         WHERE group_id = ? AND last_message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages WHERE id = groups.last_message_id)`,
      ).run(id),
    insertVersion: (r) =>
      void prepare(
        `INSERT OR IGNORE INTO group_versions (group_id, version, kind, signed_bytes, hash, name, epoch, author, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.groupId, r.version, r.kind, r.signedBytes, r.hash, r.name, r.epoch, r.author, r.createdAt),
    replaceMembers: (id, members) => {
      memberRows.clear();
      memberLists.delete(idsKey(id));
      const existing = new Map(
        (
          prepare('SELECT user_id AS userId, status, since_version AS since FROM group_members WHERE group_id = ?').all(id) as {
            userId: Uint8Array;
            status: string;
            since: number;
          }[]
        ).map((m) => [Buffer.from(m.userId).toString('hex'), m]),
      );
      prepare('DELETE FROM group_members WHERE group_id = ?').run(id);
      const insert = prepare('INSERT INTO group_members (group_id, user_id, role, status, since_version) VALUES (?, ?, ?, ?, ?)');
      for (const m of members) {
        // A member who already joined stays joined across later versions, and keeps the version they arrived in.
        const before = existing.get(Buffer.from(m.userId).toString('hex'));
        insert.run(id, m.userId, m.role, before?.status === 'joined' ? 'joined' : m.status, before?.since ?? m.sinceVersion);
      }
    },
    recordMembers: (id, members, version) => {
      // A member row joins its record (name, keys): both copies go.
      records.clear();
      memberRows.clear();
      memberLists.delete(idsKey(id));
      const upsert = prepare(
        `INSERT INTO group_member_records (group_id, user_id, box_public, display_name, slim_name, since_version) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_id, user_id) DO UPDATE SET box_public = excluded.box_public, display_name = excluded.display_name, slim_name = excluded.slim_name`,
      );
      for (const m of members) upsert.run(id, m.userId, m.boxPublic, m.displayName, m.slimName, version);
    },
    setMemberStatus: (id, userId, status) => {
      // Only rows that change are touched: most calls (every received message) change nothing, and keep the reader's copy.
      const changed = prepare('UPDATE group_members SET status = ? WHERE group_id = ? AND user_id = ? AND status != ?').run(status, id, userId, status).changes;
      if (changed > 0) {
        memberRows.delete(idsKey(id, userId));
        memberLists.delete(idsKey(id));
      }
    },
    setCutoff: (id, sender, lastSeq) =>
      void prepare('INSERT OR REPLACE INTO sender_cutoffs (group_id, sender, last_seq) VALUES (?, ?, ?)').run(id, sender, lastSeq),
    insertEpoch: (id, epoch, version, roster, commitment, startedAt) => {
      rosters.delete(rosterKey(id, epoch));
      prepare('INSERT OR REPLACE INTO epochs (group_id, epoch, version, roster, commitment, started_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        id, epoch, version, encodeRoster(roster), commitment, startedAt);
    },
  };
}

/** The unread count follows the per-message read marks (migration 0011), never a time watermark. */
function recountUnread(prepare: Prepare, groupId: Uint8Array): void {
  prepare(
    `UPDATE groups SET unread_count = (SELECT count(*) FROM messages WHERE group_id = groups.group_id AND send_state = 'received' AND read_at IS NULL)
     WHERE group_id = ?`,
  ).run(groupId);
}
