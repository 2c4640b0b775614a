import type { Prepare } from '../statement-cache.js';
import { searchParams, searchSql, type MessageSearch } from './message-search-sql.js';

export type MessageKind = 'text' | 'file' | 'media';
export type SendState = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageRow {
  id: Uint8Array;
  groupId: Uint8Array;
  sender: Uint8Array;
  seq: number;
  epoch: number;
  sentAt: number;
  receivedAt: number;
  kind: MessageKind;
  body: string;
  replyTo: Uint8Array | null;
  fileName: string | null;
  fileSize: number | null;
  fileMime: string | null;
  fileHash: Uint8Array | null;
  sendState: SendState;
}

export interface MessageCursor {
  sentAt: number;
  id: Uint8Array;
}

export interface MessagesReader {
  get(id: Uint8Array): MessageRow | undefined;
  /** Newest `limit` messages, newest first. */
  latest(groupId: Uint8Array, limit: number, kinds: readonly MessageKind[] | undefined): MessageRow[];
  /** `limit` messages strictly older than the cursor, newest first. */
  before(groupId: Uint8Array, cursor: MessageCursor, limit: number, kinds: readonly MessageKind[] | undefined): MessageRow[];
  /** `limit` messages strictly newer than the cursor, oldest first. */
  after(groupId: Uint8Array, cursor: MessageCursor, limit: number, kinds: readonly MessageKind[] | undefined): MessageRow[];
  /** Every message with from <= sent_at < to, oldest first (at most `cap`). */
  between(groupId: Uint8Array, from: number, to: number, cap: number, kinds: readonly MessageKind[] | undefined): MessageRow[];
  /**
   * The latest `limit` messages stored that match every word of a search (message-search-sql.ts), in one group or all, newest first.
   * Messages still waiting for the search index (migration 0013) are indexed first, so none is missed.
   */
  search(groupId: Uint8Array | undefined, search: MessageSearch, limit: number): MessageRow[];
  count(groupId: Uint8Array): number;
  receipts(messageId: Uint8Array): { reader: Uint8Array; readAt: number }[];
  deliveries(envelopeId: Uint8Array): { member: Uint8Array; ackedAt: number }[];
  pins(groupId: Uint8Array): { messageId: Uint8Array; pinnedBy: Uint8Array; pinnedAt: number }[];
  isPinned(groupId: Uint8Array, messageId: Uint8Array): boolean;
  /** Received messages not read yet, sent at most at `upTo`, oldest first (what "read up to" covers). */
  unreadUpTo(groupId: Uint8Array, upTo: number, limit: number): MessageRow[];
  /** Whether a message of `groupId` was received from someone else and not read yet. */
  isUnread(groupId: Uint8Array, id: Uint8Array): boolean;
  /** Ids of a group's received messages not read yet, at most `limit` of them, in no particular order. */
  unreadIds(groupId: Uint8Array, limit: number): Uint8Array[];
  /** When the user read a received message (null: not yet; undefined: no such received message). */
  readAt(id: Uint8Array): number | null | undefined;
  /** How many received messages of a group are not read yet (the chat list's count). */
  unreadCount(groupId: Uint8Array): number;
  /** The first message announcing a file in a group. */
  byFileHash(groupId: Uint8Array, hash: Uint8Array): MessageRow | undefined;
  /** Ids of `sender`'s messages in a group not yet read by everyone nor failed (pending, sent, delivered). */
  unfinishedOf(groupId: Uint8Array, sender: Uint8Array): Uint8Array[];
}

export interface MessagesWriter {
  /** Inserts a message; returns false when it was already there (idempotent processing). */
  insert(row: MessageRow): boolean;
  /**
   * Indexes up to `limit` stored messages still waiting for the search index (oldest first), in one
   * statement (atomic: a crash leaves each either pending or indexed). Returns how many it indexed.
   */
  indexPendingSearch(limit: number): number;
  /**
   * One step of merging the search index's segments (FTS5 'merge', about `pages` pages of work, on a
   * level with at least `usermerge` (16) segments; migration 0016). False when there was nothing to merge.
   */
  mergeSearchIndex(pages: number): boolean;
  /** Moves a send state forward (pending < sent < delivered < read; failed only from pending). */
  advanceSendState(id: Uint8Array, next: Exclude<SendState, 'received'>): boolean;
  /** Nobody left in the group can ever get it: pending or sent -> failed. */
  failUnreachable(id: Uint8Array): boolean;
  /**
   * The admin's signed cutoff refused one of ours (sent after our removal): failed from any state short
   * of it, 'delivered' and 'read' too: those meant members had stored the envelope, not that the group
   * kept it, and the cutoff is the group's word (removal-cutoffs.ts).
   */
  failRefused(id: Uint8Array): boolean;
  /**
   * Deletes `sender`'s received messages of a group past `seq` (and their pins): the admin's cutoff says the group refuses them, so no member keeps them. The ids of those that went.
   */
  retractAfter(groupId: Uint8Array, sender: Uint8Array, seq: number): Uint8Array[];
  /** The user's manual retry: failed -> pending. */
  retry(id: Uint8Array): boolean;
  addReceipt(messageId: Uint8Array, reader: Uint8Array, readAt: number): boolean;
  /** Marks one received message read; false when it was already read or is not a received one. */
  markRead(id: Uint8Array, at: number): boolean;
  addDelivery(envelopeId: Uint8Array, member: Uint8Array, ackedAt: number): boolean;
  pin(groupId: Uint8Array, messageId: Uint8Array, by: Uint8Array, at: number): boolean;
  unpin(groupId: Uint8Array, messageId: Uint8Array): boolean;
}

const COLUMNS = `m.id, m.group_id AS groupId, m.sender, m.seq, m.epoch, m.sent_at AS sentAt, m.received_at AS receivedAt, m.kind, m.body,
  m.reply_to AS replyTo, m.file_name AS fileName, m.file_size AS fileSize, m.file_mime AS fileMime, m.file_hash AS fileHash,
  m.send_state AS sendState`;

/**
 * SQL for "kind is one of" with a fixed shape per filter, so each shape is prepared once. Without
 * text, it also says `kind != 'text'`: messages_by_kind holds only those rows (migration 0014), and
 * the planner uses a partial index only when the query's own terms imply the index's condition.
 */
function kindClause(kinds: readonly MessageKind[] | undefined): string {
  if (kinds === undefined || kinds.length === 0) return '';
  const list = ` AND m.kind IN (${kinds.map((k) => `'${k === 'text' ? 'text' : k === 'file' ? 'file' : 'media'}'`).join(', ')})`;
  return kinds.includes('text') ? list : `${list} AND m.kind != 'text'`;
}

const RANK = `CASE ? WHEN 'pending' THEN 1 WHEN 'failed' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END`;
const CURRENT_RANK = `CASE send_state WHEN 'pending' THEN 1 WHEN 'failed' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 9 END`;

export function messagesReader(prepare: Prepare): MessagesReader {
  return {
    get: (id) => prepare(`SELECT ${COLUMNS} FROM messages m WHERE m.id = ?`).get(id) as MessageRow | undefined,
    latest: (groupId, limit, kinds) =>
      prepare(`SELECT ${COLUMNS} FROM messages m WHERE m.group_id = ?${kindClause(kinds)} ORDER BY m.sent_at DESC, m.id DESC LIMIT ?`).all(
        groupId,
        limit,
      ) as MessageRow[],
    before: (groupId, c, limit, kinds) =>
      prepare(
        `SELECT ${COLUMNS} FROM messages m WHERE m.group_id = ?${kindClause(kinds)} AND (m.sent_at, m.id) < (?, ?)
         ORDER BY m.sent_at DESC, m.id DESC LIMIT ?`,
      ).all(groupId, c.sentAt, c.id, limit) as MessageRow[],
    after: (groupId, c, limit, kinds) =>
      prepare(
        `SELECT ${COLUMNS} FROM messages m WHERE m.group_id = ?${kindClause(kinds)} AND (m.sent_at, m.id) > (?, ?)
         ORDER BY m.sent_at ASC, m.id ASC LIMIT ?`,
      ).all(groupId, c.sentAt, c.id, limit) as MessageRow[],
    between: (groupId, from, to, cap, kinds) =>
      prepare(
        `SELECT ${COLUMNS} FROM messages m WHERE m.group_id = ?${kindClause(kinds)} AND m.sent_at >= ? AND m.sent_at < ?
         ORDER BY m.sent_at ASC, m.id ASC LIMIT ?`,
      ).all(groupId, from, to, cap) as MessageRow[],
    search: (groupId, search, limit) => {
      indexAllPending(prepare);
      return prepare(searchSql(COLUMNS, search, groupId !== undefined)).all(...searchParams(search, groupId, limit)) as MessageRow[];
    },
    count: (groupId) => (prepare('SELECT count(*) AS n FROM messages WHERE group_id = ?').get(groupId) as { n: number }).n,
    receipts: (id) =>
      prepare('SELECT reader, read_at AS readAt FROM receipts WHERE message_id = ? ORDER BY read_at').all(id) as { reader: Uint8Array; readAt: number }[],
    deliveries: (id) =>
      prepare('SELECT member, acked_at AS ackedAt FROM deliveries WHERE envelope_id = ?').all(id) as { member: Uint8Array; ackedAt: number }[],
    pins: (groupId) =>
      prepare('SELECT message_id AS messageId, pinned_by AS pinnedBy, pinned_at AS pinnedAt FROM pins WHERE group_id = ? ORDER BY pinned_at DESC').all(
        groupId,
      ) as { messageId: Uint8Array; pinnedBy: Uint8Array; pinnedAt: number }[],
    isPinned: (groupId, id) => prepare('SELECT 1 FROM pins WHERE group_id = ? AND message_id = ?').get(groupId, id) !== undefined,
    // The partial index messages_unread holds exactly the rows these look for (migration 0011).
    unreadUpTo: (groupId, upTo, limit) =>
      prepare(
        `SELECT ${COLUMNS} FROM messages m WHERE m.group_id = ? AND m.send_state = 'received' AND m.read_at IS NULL AND m.sent_at <= ?
         ORDER BY m.sent_at, m.id LIMIT ?`,
      ).all(groupId, upTo, limit) as MessageRow[],
    isUnread: (groupId, id) =>
      prepare(`SELECT 1 FROM messages WHERE id = ? AND group_id = ? AND send_state = 'received' AND read_at IS NULL`).get(id, groupId) !== undefined,
    unreadIds: (groupId, limit) =>
      (prepare(`SELECT id FROM messages WHERE group_id = ? AND send_state = 'received' AND read_at IS NULL LIMIT ?`).all(groupId, limit) as { id: Uint8Array }[]).map(
        (r) => r.id,
      ),
    readAt: (id) =>
      (prepare(`SELECT read_at AS readAt FROM messages WHERE id = ? AND send_state = 'received'`).get(id) as { readAt: number | null } | undefined)?.readAt,
    unreadCount: (groupId) =>
      (prepare(`SELECT count(*) AS n FROM messages WHERE group_id = ? AND send_state = 'received' AND read_at IS NULL`).get(groupId) as { n: number }).n,
    byFileHash: (groupId, hash) =>
      prepare(`SELECT ${COLUMNS} FROM messages m WHERE m.group_id = ? AND m.file_hash = ? ORDER BY m.sent_at LIMIT 1`).get(groupId, hash) as
        | MessageRow
        | undefined,
    unfinishedOf: (groupId, sender) =>
      (
        prepare(`SELECT id FROM messages WHERE group_id = ? AND sender = ? AND send_state IN ('pending', 'sent', 'delivered')`).all(groupId, sender) as {
          id: Uint8Array;
        }[]
      ).map((r) => r.id),
  };
}

/** Deleting a pending row indexes its message (trigger search_pending_index, migration 0013). */
function indexPending(prepare: Prepare, limit: number): number {
  return prepare('DELETE FROM search_pending WHERE msg_rowid IN (SELECT msg_rowid FROM search_pending ORDER BY msg_rowid LIMIT ?)').run(limit).changes;
}

/** FTS5 tells whether a 'merge' step did any work only through the connection's total changes (2 or more). */
function mergeStep(prepare: Prepare, pages: number): boolean {
  const changes = prepare('SELECT total_changes() AS n');
  const before = (changes.get() as { n: number }).n;
  prepare(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?)`).run(pages);
  return (changes.get() as { n: number }).n - before >= 2;
}

function indexAllPending(prepare: Prepare): void {
  prepare('DELETE FROM search_pending').run();
}

export function messagesWriter(prepare: Prepare): MessagesWriter {
  return {
    indexPendingSearch: (limit) => indexPending(prepare, limit),
    mergeSearchIndex: (pages) => mergeStep(prepare, pages),
    insert: (r) =>
      prepare(
        `INSERT OR IGNORE INTO messages (id, group_id, sender, seq, epoch, sent_at, received_at, kind, body, reply_to,
           file_name, file_size, file_mime, file_hash, send_state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.id, r.groupId, r.sender, r.seq, r.epoch, r.sentAt, r.receivedAt, r.kind, r.body, r.replyTo, r.fileName, r.fileSize,
        r.fileMime, r.fileHash, r.sendState).changes === 1,
    advanceSendState: (id, next) =>
      next === 'failed'
        ? prepare(`UPDATE messages SET send_state = 'failed' WHERE id = ? AND send_state = 'pending'`).run(id).changes === 1
        : prepare(`UPDATE messages SET send_state = ? WHERE id = ? AND send_state != 'received' AND ${RANK} > ${CURRENT_RANK}`).run(next, id, next)
            .changes === 1,
    failUnreachable: (id) => prepare(`UPDATE messages SET send_state = 'failed' WHERE id = ? AND send_state IN ('pending', 'sent')`).run(id).changes === 1,
    failRefused: (id) =>
      prepare(`UPDATE messages SET send_state = 'failed' WHERE id = ? AND send_state IN ('pending', 'sent', 'delivered', 'read')`).run(id).changes === 1,
    retractAfter: (groupId, sender, seq) => {
      // Receipts, failure notes and carries concern our own messages only; a received one may be pinned.
      prepare(
        `DELETE FROM pins WHERE group_id = ? AND message_id IN (SELECT id FROM messages WHERE group_id = ? AND sender = ? AND seq > ? AND send_state = 'received')`,
      ).run(groupId, groupId, sender, seq);
      return (
        prepare(`DELETE FROM messages WHERE group_id = ? AND sender = ? AND seq > ? AND send_state = 'received' RETURNING id`).all(groupId, sender, seq) as {
          id: Uint8Array;
        }[]
      ).map((r) => r.id);
    },
    retry: (id) => prepare(`UPDATE messages SET send_state = 'pending' WHERE id = ? AND send_state = 'failed'`).run(id).changes === 1,
    addReceipt: (id, reader, at) =>
      prepare('INSERT OR IGNORE INTO receipts (message_id, reader, read_at) VALUES (?, ?, ?)').run(id, reader, at).changes === 1,
    markRead: (id, at) =>
      prepare(`UPDATE messages SET read_at = ? WHERE id = ? AND send_state = 'received' AND read_at IS NULL`).run(at, id).changes === 1,
    addDelivery: (id, member, at) =>
      prepare('INSERT OR IGNORE INTO deliveries (envelope_id, member, acked_at) VALUES (?, ?, ?)').run(id, member, at).changes === 1,
    pin: (groupId, id, by, at) =>
      prepare('INSERT OR IGNORE INTO pins (group_id, message_id, pinned_by, pinned_at) VALUES (?, ?, ?, ?)').run(groupId, id, by, at).changes === 1,
    unpin: (groupId, id) => prepare('DELETE FROM pins WHERE group_id = ? AND message_id = ?').run(groupId, id).changes === 1,
  };
}
