import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { bytesEqual } from '../../encoding/base64url.js';
import type { Prepare } from '../statement-cache.js';

/** The durable inbox (raw envelopes before processing) and outbox (envelopes to send). */
export type InboxState = 'new' | 'deferred' | 'done' | 'dropped';

export interface InboxRow {
  id: number;
  bytes: Uint8Array;
  receivedAt: number;
  origin: string;
  state: InboxState;
  groupId: Uint8Array | null;
  reason: string | null;
  attempts: number;
}

export type OutboxState = 'pending' | 'sent' | 'acked' | 'failed' | 'cancelled';

export interface OutboxRow {
  id: number;
  envelopeId: Uint8Array;
  groupId: Uint8Array;
  type: string;
  seq: number;
  destination: 'group' | 'user';
  recipient: Uint8Array | null;
  slimName: string;
  bytes: Uint8Array;
  messageId: Uint8Array | null;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  lastError: string | null;
}

export type NewOutboxJob = Omit<OutboxRow, 'id' | 'state' | 'attempts' | 'lastError'>;

export interface QueueReader {
  inboxBatch(limit: number): InboxRow[];
  deferredFor(groupId: Uint8Array): InboxRow[];
  /** Every deferred row's id and bytes (the deferred bounds count them per sender and group). */
  deferredRows(): { id: number; bytes: Uint8Array }[];
  inboxCounts(): Record<InboxState, number>;
  /** Whether received rows wait to be processed (state 'new'). */
  hasNewInbox(): boolean;
  /** Whether envelopes of a group wait in the inbox as deferred. */
  hasDeferredFor(groupId: Uint8Array): boolean;
  /** Jobs due at `now`: pending ones and sent ones whose ack timed out. */
  dueOutbox(now: number, limit: number): OutboxRow[];
  outboxByEnvelope(envelopeId: Uint8Array): OutboxRow[];
  outboxByMessage(messageId: Uint8Array): OutboxRow[];
  nextOutboxDue(): number | undefined;
  outboxCounts(): Record<OutboxState, number>;
}

export interface QueueWriter {
  addInbox(bytes: Uint8Array, origin: string, receivedAt: number): number;
  finishInbox(id: number, state: 'done' | 'dropped' | 'deferred', reason: string | null, groupId: Uint8Array | null): void;
  /** Moves a group's deferred envelopes back to 'new' so the next pass retries them (not those waiting for `except`). */
  wakeDeferred(groupId: Uint8Array, except?: string): number;
  /** Moves the envelopes deferred for one reason (any group) back to 'new'. */
  wakeDeferredFor(reason: string): number;
  /** Moves the envelopes deferred since before `receivedBefore` back to 'new' (their last try before expiring). */
  wakeDeferredBefore(receivedBefore: number): number;
  pruneInbox(olderThan: number): void;
  /** Forgets finished jobs (acked, cancelled) older than `olderThan`: the channel log keeps the envelopes. */
  pruneOutbox(olderThan: number): void;
  addOutbox(job: NewOutboxJob): number;
  markOutboxSent(id: number, nextAttemptAt: number): void;
  markOutboxAcked(id: number): void;
  markOutboxFailed(id: number, error: string): void;
  cancelOutboxForMessage(messageId: Uint8Array): number;
  requeueOutboxForMessage(messageId: Uint8Array, now: number): number;
  /** Makes every pending job due now (after reconnecting). */
  expediteOutbox(now: number): void;
}

const INBOX_COLUMNS = 'id, bytes, received_at AS receivedAt, origin, state, group_id AS groupId, reason, attempts';
const OUTBOX_COLUMNS = `id, envelope_id AS envelopeId, group_id AS groupId, type, seq, destination, recipient, slim_name AS slimName, bytes,
  message_id AS messageId, state, attempts, next_attempt_at AS nextAttemptAt, created_at AS createdAt, last_error AS lastError`;

function counts<K extends string>(rows: { state: K; n: number }[], keys: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const r of rows) out[r.state] = r.n;
  return out;
}

export function queueReader(prepare: Prepare): QueueReader {
  return {
    inboxBatch: (limit) => prepare(`SELECT ${INBOX_COLUMNS} FROM inbox WHERE state = 'new' ORDER BY id LIMIT ?`).all(limit) as InboxRow[],
    deferredFor: (g) => prepare(`SELECT ${INBOX_COLUMNS} FROM inbox WHERE state = 'deferred' AND group_id = ? ORDER BY id`).all(g) as InboxRow[],
    deferredRows: () => prepare(`SELECT id, bytes FROM inbox WHERE state = 'deferred'`).all() as { id: number; bytes: Uint8Array }[],
    hasNewInbox: () => prepare(`SELECT 1 FROM inbox WHERE state = 'new' LIMIT 1`).get() !== undefined,
    hasDeferredFor: (g) => prepare(`SELECT 1 FROM inbox WHERE state = 'deferred' AND group_id = ? LIMIT 1`).get(g) !== undefined,
    // Diagnostics only: it reads the whole inbox (finished rows are in no index, migration 0014).
    inboxCounts: () =>
      counts(prepare('SELECT state, count(*) AS n FROM inbox GROUP BY state').all() as { state: InboxState; n: number }[], [
        'new', 'deferred', 'done', 'dropped',
      ]),
    dueOutbox: (now, limit) =>
      prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE state IN ('pending', 'sent') AND next_attempt_at <= ? ORDER BY id LIMIT ?`).all(
        now,
        limit,
      ) as OutboxRow[],
    outboxByEnvelope: (id) => prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE envelope_id = ?`).all(id) as OutboxRow[],
    // A message's job is its own envelope (addOutbox): found through outbox_by_envelope (migration 0014).
    outboxByMessage: (id) => prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE envelope_id = ? AND message_id = ?`).all(id, id) as OutboxRow[],
    nextOutboxDue: () =>
      (prepare(`SELECT min(next_attempt_at) AS t FROM outbox WHERE state IN ('pending', 'sent')`).get() as { t: number | null }).t ?? undefined,
    outboxCounts: () =>
      counts(prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as { state: OutboxState; n: number }[], [
        'pending', 'sent', 'acked', 'failed', 'cancelled',
      ]),
  };
}

export function queueWriter(prepare: Prepare): QueueWriter {
  return {
    addInbox: (bytes, origin, at) =>
      Number(prepare(`INSERT INTO inbox (bytes, received_at, origin, state) VALUES (?, ?, ?, 'new')`).run(bytes, at, origin).lastInsertRowid),
    finishInbox: (id, state, reason, groupId) =>
      void prepare('UPDATE inbox SET state = ?, reason = ?, group_id = coalesce(?, group_id), attempts = attempts + 1 WHERE id = ?').run(
        state, reason, groupId, id),
    wakeDeferred: (g, except) =>
      except === undefined
        ? prepare(`UPDATE inbox SET state = 'new' WHERE state = 'deferred' AND group_id = ?`).run(g).changes
        : prepare(`UPDATE inbox SET state = 'new' WHERE state = 'deferred' AND group_id = ? AND reason != ?`).run(g, except).changes,
    wakeDeferredFor: (reason) => prepare(`UPDATE inbox SET state = 'new' WHERE state = 'deferred' AND reason = ?`).run(reason).changes,
    wakeDeferredBefore: (before) =>
      prepare(`UPDATE inbox SET state = 'new' WHERE state = 'deferred' AND received_at < ?`).run(before).changes,
    // Finished rows are in no index (migration 0014); ids follow arrival, so the rows before the first
    // one received since `olderThan` are the old ones (a clock set back keeps some a little longer).
    pruneInbox: (olderThan) =>
      void prepare(
        `DELETE FROM inbox WHERE id < coalesce((SELECT id FROM inbox WHERE received_at >= ? ORDER BY id LIMIT 1), (SELECT max(id) + 1 FROM inbox))
           AND state IN ('done', 'dropped')`,
      ).run(olderThan),
    pruneOutbox: (olderThan) => void prepare(`DELETE FROM outbox WHERE state IN ('acked', 'cancelled') AND created_at < ?`).run(olderThan),
    addOutbox: (j) => {
      // Queries by message look the job up by envelope id (there is no message index, migration 0014).
      if (j.messageId !== null && !bytesEqual(j.messageId, j.envelopeId)) {
        throw new KizunaError('INTERNAL', 'a message job must be the message\'s own envelope');
      }
      return Number(
        prepare(
          `INSERT INTO outbox (envelope_id, group_id, type, seq, destination, recipient, slim_name, bytes, message_id, state, attempts,
             next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
        ).run(j.envelopeId, j.groupId, j.type, j.seq, j.destination, j.recipient, j.slimName, j.bytes, j.messageId, j.nextAttemptAt, j.createdAt)
          .lastInsertRowid,
      );
    },
    markOutboxSent: (id, next) =>
      void prepare(`UPDATE outbox SET state = 'sent', attempts = attempts + 1, next_attempt_at = ? WHERE id = ? AND state IN ('pending', 'sent')`).run(
        next, id),
    markOutboxAcked: (id) => void prepare(`UPDATE outbox SET state = 'acked' WHERE id = ? AND state IN ('pending', 'sent')`).run(id),
    markOutboxFailed: (id, error) =>
      void prepare(`UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ? AND state IN ('pending', 'sent')`).run(error, id),
    cancelOutboxForMessage: (id) =>
      prepare(`UPDATE outbox SET state = 'cancelled' WHERE envelope_id = ? AND message_id = ? AND state IN ('pending', 'sent', 'failed')`).run(id, id).changes,
    requeueOutboxForMessage: (id, now) =>
      prepare(
        `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL WHERE envelope_id = ? AND message_id = ? AND state IN ('failed', 'cancelled')`,
      ).run(now, id, id).changes,
    expediteOutbox: (now) => void prepare(`UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?`).run(now, now),
  };
}
