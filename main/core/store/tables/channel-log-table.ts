import type { Prepare } from '../statement-cache.js';
import { idsKey } from './row-cache.js';

/**
 * The per-group log of accepted sequenced envelopes (ciphertext as received), the replay guard,
 * the per-sender catch-up cursors and our own next sequence number per group.
 */
export interface ChannelLogEntry {
  groupId: Uint8Array;
  sender: Uint8Array;
  seq: number;
  epoch: number;
  type: string;
  envelopeId: Uint8Array;
  bytes: Uint8Array;
  receivedAt: number;
}

export interface SyncCursor {
  sender: Uint8Array;
  /** Highest n such that 1..n (from first_seq) are all held. */
  contiguous: number;
  highest: number;
  firstSeq: number;
}

/**
 * How far past what we hold from a sender (its contiguous run) we take its sequence numbers: claims
 * move our cursor at most this far, and its messages further ahead wait (issue 8: far-ahead numbers).
 * Well under MLS's forward ratchet limit; a catch-up reply carries at most 4,096 envelopes.
 */
export const SEQ_AHEAD_LIMIT = 1024;

/**
 * The log type of an envelope we accepted (signed by a member, decrypted, its content valid) whose
 * effect waits in the inbox for something else (a pin for its message, a file chunk for its offer).
 * Held, so its sender's cursor moves past it: a target that never comes (a message from before we
 * joined) must not leave a gap that stops the sender's later messages once they are SEQ_AHEAD_LIMIT
 * ahead, and that catch-up asks about again and again. Applied, it becomes its own type; refused, REFUSED.
 */
export const WAITING = 'WAITING';
/** The log type of a member's envelope whose content we refused (its sequence number is used). */
export const REFUSED = 'REFUSED';

export interface ChannelLogReader {
  has(groupId: Uint8Array, sender: Uint8Array, seq: number): boolean;
  get(groupId: Uint8Array, sender: Uint8Array, seq: number): ChannelLogEntry | undefined;
  /** The id of the envelope held at (group, sender, seq), without its bytes (replay checks). */
  heldId(groupId: Uint8Array, sender: Uint8Array, seq: number): Uint8Array | undefined;
  /** Whether the envelope `envelopeId` is held at its place as WAITING (its inbox row is the one that waits). */
  isWaiting(groupId: Uint8Array, sender: Uint8Array, seq: number, envelopeId: Uint8Array): boolean;
  /** Entries of one sender with seq in (after, upTo], in order. */
  range(groupId: Uint8Array, sender: Uint8Array, after: number, upTo: number, limit: number): ChannelLogEntry[];
  /** Ids and epochs (no bytes) of one sender's entries with seq in (after, upTo], in order (cumulative acks). */
  idsInRange(groupId: Uint8Array, sender: Uint8Array, after: number, upTo: number, limit: number): { seq: number; epoch: number; envelopeId: Uint8Array }[];
  senders(groupId: Uint8Array): Uint8Array[];
  cursors(groupId: Uint8Array): SyncCursor[];
  cursor(groupId: Uint8Array, sender: Uint8Array): SyncCursor | undefined;
  seen(envelopeId: Uint8Array): boolean;
  nextOwnSeq(groupId: Uint8Array): number;
  /** How far `member`'s cumulative acks of our envelopes in the group were counted (0: not yet). */
  cumulativeMark(groupId: Uint8Array, member: Uint8Array): number;
  dropCounts(): Record<string, number>;
  /** How many envelopes the log holds (diagnostics, archive peers). */
  size(): number;
  /** A decrypted content waiting for its envelope to apply (sealed at rest). */
  heldPlaintext(envelopeId: Uint8Array): Uint8Array | undefined;
}

export interface ChannelLogWriter {
  /** Records an accepted envelope and advances the sender's cursor. False if (group, sender, seq) was already held. */
  append(entry: ChannelLogEntry): boolean;
  /** A WAITING entry (that envelope's) takes its final type: the one it applied as, or REFUSED. */
  settleWaiting(groupId: Uint8Array, sender: Uint8Array, seq: number, envelopeId: Uint8Array, type: string): void;
  /** Starts a sender's cursor at `firstSeq - 1` (a member joining mid-stream does not want older history). */
  startCursor(groupId: Uint8Array, sender: Uint8Array, firstSeq: number): void;
  /** A sender says it has used sequence numbers up to `seq` (heartbeat): gaps at the tail become visible. */
  noteHighest(groupId: Uint8Array, sender: Uint8Array, seq: number): void;
  markSeen(envelopeId: Uint8Array, at: number): boolean;
  pruneSeen(olderThan: number): void;
  /** Reserves and returns our next sequence number in the group. */
  takeOwnSeq(groupId: Uint8Array): number;
  countDrop(reason: string): void;
  holdPlaintext(envelopeId: Uint8Array, groupId: Uint8Array, sealed: Uint8Array, at: number): void;
  releasePlaintext(envelopeId: Uint8Array): void;
  /**
   * The admin signed `seq` as the last envelope of `sender` the group takes: entries past it leave the
   * log (never served, never counted as held) and the cursor stops there (nothing past it is missing).
   */
  cutAfter(groupId: Uint8Array, sender: Uint8Array, seq: number): void;
  /** Records that `member`'s cumulative acks were counted up to `seq` (never moves back). */
  setCumulativeMark(groupId: Uint8Array, member: Uint8Array, seq: number): void;
  /** Cancels (or, on retry, restores) one of our own envelopes: sync then skips it instead of serving it. */
  setCancelled(envelopeId: Uint8Array, cancelled: boolean): void;
}

const ENTRY_COLUMNS = 'group_id AS groupId, sender, seq, epoch, type, envelope_id AS envelopeId, bytes, received_at AS receivedAt';

/**
 * Per (group, sender): a number no held sequence number exceeds. Every received envelope asks
 * whether its (group, sender, seq) is held (a replay) two or three times on its way in, and a new
 * one never is (issue 13): past the bound that is answered without a read. The reader loads it
 * (the highest seq held) once; `append`, the only insert, raises it. Deletions (cutAfter) and a
 * rolled-back append leave it above what is held, which only costs a read; the store also empties
 * it on a rollback. One store is the only writer of its database (the profile lock).
 */
export type HeldBounds = Map<string, number>;

const MAX_BOUNDS = 10_000;

function heldBound(prepare: Prepare, bounds: HeldBounds, g: Uint8Array, s: Uint8Array): number {
  const key = idsKey(g, s);
  const known = bounds.get(key);
  if (known !== undefined) return known;
  const row = prepare('SELECT max(seq) AS top FROM channel_log WHERE group_id = ? AND sender = ?').get(g, s) as { top: number | null };
  if (bounds.size >= MAX_BOUNDS) bounds.clear();
  bounds.set(key, row.top ?? 0);
  return row.top ?? 0;
}

/** Reader and writer of one store must share `bounds` (see HeldBounds). */
export function channelLogReader(prepare: Prepare, bounds: HeldBounds): ChannelLogReader {
  const past = (g: Uint8Array, s: Uint8Array, seq: number): boolean => seq > heldBound(prepare, bounds, g, s);
  return {
    has: (g, s, seq) => !past(g, s, seq) && prepare('SELECT 1 FROM channel_log WHERE group_id = ? AND sender = ? AND seq = ?').get(g, s, seq) !== undefined,
    heldId: (g, s, seq) =>
      past(g, s, seq)
        ? undefined
        : (prepare('SELECT envelope_id AS id FROM channel_log WHERE group_id = ? AND sender = ? AND seq = ?').get(g, s, seq) as { id: Uint8Array } | undefined)?.id,
    isWaiting: (g, s, seq, id) =>
      prepare('SELECT 1 FROM channel_log WHERE group_id = ? AND sender = ? AND seq = ? AND envelope_id = ? AND type = ?').get(g, s, seq, id, WAITING) !==
      undefined,
    get: (g, s, seq) =>
      past(g, s, seq)
        ? undefined
        : (prepare(`SELECT ${ENTRY_COLUMNS} FROM channel_log WHERE group_id = ? AND sender = ? AND seq = ?`).get(g, s, seq) as ChannelLogEntry | undefined),
    range: (g, s, after, upTo, limit) =>
      prepare(`SELECT ${ENTRY_COLUMNS} FROM channel_log WHERE group_id = ? AND sender = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`).all(
        g, s, after, upTo, limit) as ChannelLogEntry[],
    // A cancelled envelope's place is skipped by members, so a cumulative ack covers it; it is not
    // one they hold, and counting it would turn a cancelled message 'delivered'.
    idsInRange: (g, s, after, upTo, limit) =>
      prepare(`SELECT seq, epoch, envelope_id AS envelopeId FROM channel_log
               WHERE group_id = ? AND sender = ? AND seq > ? AND seq <= ? AND type != 'CANCELLED' ORDER BY seq LIMIT ?`).all(
        g, s, after, upTo, limit) as { seq: number; epoch: number; envelopeId: Uint8Array }[],
    senders: (g) => (prepare('SELECT sender FROM sync_cursors WHERE group_id = ?').all(g) as { sender: Uint8Array }[]).map((r) => r.sender),
    cursors: (g) =>
      prepare('SELECT sender, contiguous, highest, first_seq AS firstSeq FROM sync_cursors WHERE group_id = ? ORDER BY sender').all(g) as SyncCursor[],
    cursor: (g, s) =>
      prepare('SELECT sender, contiguous, highest, first_seq AS firstSeq FROM sync_cursors WHERE group_id = ? AND sender = ?').get(g, s) as
        | SyncCursor
        | undefined,
    seen: (id) => prepare('SELECT 1 FROM seen_envelopes WHERE envelope_id = ?').get(id) !== undefined,
    nextOwnSeq: (g) => (prepare('SELECT next_seq AS n FROM own_sequences WHERE group_id = ?').get(g) as { n: number } | undefined)?.n ?? 1,
    cumulativeMark: (g, m) =>
      (prepare('SELECT seq FROM cumulative_marks WHERE group_id = ? AND member = ?').get(g, m) as { seq: number } | undefined)?.seq ?? 0,
    size: () => (prepare('SELECT count(*) AS n FROM channel_log').get() as { n: number }).n,
    heldPlaintext: (id) =>
      (prepare('SELECT plaintext_sealed AS p FROM held_plaintexts WHERE envelope_id = ?').get(id) as { p: Uint8Array } | undefined)?.p,
    dropCounts: () =>
      Object.fromEntries((prepare('SELECT reason, count FROM drop_counts ORDER BY reason').all() as { reason: string; count: number }[]).map((r) => [r.reason, r.count])),
  };
}

export function channelLogWriter(prepare: Prepare, bounds: HeldBounds): ChannelLogWriter {
  /** Moves a sender's contiguous mark over every sequence number now held without a gap. */
  const advance = (g: Uint8Array, s: Uint8Array): void => {
    const cur = prepare('SELECT contiguous FROM sync_cursors WHERE group_id = ? AND sender = ?').get(g, s) as { contiguous: number } | undefined;
    if (cur === undefined || prepare('SELECT 1 FROM channel_log WHERE group_id = ? AND sender = ? AND seq = ?').get(g, s, cur.contiguous + 1) === undefined) return;
    const next = prepare(
      `WITH RECURSIVE run(s) AS (SELECT ? UNION ALL SELECT s + 1 FROM run
         WHERE EXISTS (SELECT 1 FROM channel_log WHERE group_id = ? AND sender = ? AND seq = s + 1))
       SELECT max(s) AS s FROM run`,
    ).get(cur.contiguous + 1, g, s) as { s: number };
    prepare('UPDATE sync_cursors SET contiguous = ? WHERE group_id = ? AND sender = ?').run(next.s, g, s);
  };
  return {
    append: (e) => {
      const inserted =
        prepare(
          'INSERT OR IGNORE INTO channel_log (group_id, sender, seq, epoch, type, envelope_id, bytes, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(e.groupId, e.sender, e.seq, e.epoch, e.type, e.envelopeId, e.bytes, e.receivedAt).changes === 1;
      if (!inserted) return false;
      // Raised as soon as the row exists (inside the transaction): never below what is held.
      const key = idsKey(e.groupId, e.sender);
      const bound = bounds.get(key);
      if (bound !== undefined && bound < e.seq) bounds.set(key, e.seq);
      // One statement in the common case (the next seq in line): the cursor moves by one. Only when
      // the new entry lands after a gap, or fills one, does the contiguous run need recomputing.
      const cur = prepare(
        `INSERT INTO sync_cursors (group_id, sender, contiguous, highest, first_seq) VALUES (?, ?, CASE WHEN ? = 1 THEN 1 ELSE 0 END, ?, 1)
         ON CONFLICT (group_id, sender) DO UPDATE SET
           contiguous = CASE WHEN excluded.highest = contiguous + 1 THEN contiguous + 1 ELSE contiguous END,
           highest = max(highest, excluded.highest)
         RETURNING contiguous, highest`,
      ).get(e.groupId, e.sender, e.seq, e.seq) as { contiguous: number; highest: number };
      if (cur.contiguous < cur.highest) advance(e.groupId, e.sender);
      return true;
    },
    settleWaiting: (g, s, seq, id, type) =>
      void prepare('UPDATE channel_log SET type = ? WHERE group_id = ? AND sender = ? AND seq = ? AND envelope_id = ? AND type = ?').run(
        type, g, s, seq, id, WAITING),
    startCursor: (g, s, firstSeq) => {
      prepare(
        `INSERT INTO sync_cursors (group_id, sender, contiguous, highest, first_seq) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (group_id, sender) DO UPDATE SET
           contiguous = max(contiguous, excluded.contiguous), highest = max(highest, excluded.highest), first_seq = max(first_seq, excluded.first_seq)`,
      ).run(g, s, firstSeq - 1, firstSeq - 1, firstSeq);
      advance(g, s);
    },
    // A claim (heartbeat, sync mark, a held message's number) moves `highest` at most
    // SEQ_AHEAD_LIMIT past what we hold: a member claiming 2^53 must not have us ask for billions.
    // Never past a cutoff the admin signed for someone no longer a member: what comes after it is refused, not missing.
    noteHighest: (g, s, seq) =>
      void prepare(
        `INSERT INTO sync_cursors (group_id, sender, contiguous, highest, first_seq) VALUES (?, ?, 0, min(?, ${SEQ_AHEAD_LIMIT}), 1)
         ON CONFLICT (group_id, sender) DO UPDATE SET highest = max(highest, min(?, contiguous + ${SEQ_AHEAD_LIMIT},
           CASE WHEN EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = excluded.group_id AND m.user_id = excluded.sender) THEN ?
             ELSE coalesce((SELECT last_seq FROM sender_cutoffs c WHERE c.group_id = excluded.group_id AND c.sender = excluded.sender), ?) END))`,
      ).run(g, s, seq, seq, seq, seq),
    cutAfter: (g, s, seq) => {
      prepare('DELETE FROM channel_log WHERE group_id = ? AND sender = ? AND seq > ?').run(g, s, seq);
      prepare('UPDATE sync_cursors SET contiguous = min(contiguous, ?), highest = min(highest, ?) WHERE group_id = ? AND sender = ?').run(seq, seq, g, s);
    },
    markSeen: (id, at) => prepare('INSERT OR IGNORE INTO seen_envelopes (envelope_id, seen_at) VALUES (?, ?)').run(id, at).changes === 1,
    pruneSeen: (olderThan) => void prepare('DELETE FROM seen_envelopes WHERE seen_at < ?').run(olderThan),
    takeOwnSeq: (g) => {
      const row = prepare(
        `INSERT INTO own_sequences (group_id, next_seq) VALUES (?, 2)
         ON CONFLICT (group_id) DO UPDATE SET next_seq = next_seq + 1 RETURNING next_seq - 1 AS seq`,
      ).get(g) as { seq: number };
      return row.seq;
    },
    holdPlaintext: (id, g, sealed, at) =>
      void prepare('INSERT OR REPLACE INTO held_plaintexts (envelope_id, group_id, plaintext_sealed, held_at) VALUES (?, ?, ?, ?)').run(id, g, sealed, at),
    releasePlaintext: (id) => void prepare('DELETE FROM held_plaintexts WHERE envelope_id = ?').run(id),
    setCumulativeMark: (g, m, seq) => {
      prepare(
        `INSERT INTO cumulative_marks (group_id, member, seq) VALUES (?, ?, ?)
         ON CONFLICT (group_id, member) DO UPDATE SET seq = max(seq, excluded.seq)`,
      ).run(g, m, seq);
    },
    setCancelled: (id, cancelled) =>
      void prepare(
        cancelled
          ? `UPDATE channel_log SET type = 'CANCELLED' WHERE envelope_id = ? AND type = 'MESSAGE'`
          : `UPDATE channel_log SET type = 'MESSAGE' WHERE envelope_id = ? AND type = 'CANCELLED'`,
      ).run(id),
    countDrop: (reason) =>
      void prepare('INSERT INTO drop_counts (reason, count) VALUES (?, 1) ON CONFLICT (reason) DO UPDATE SET count = count + 1').run(reason),
  };
}
