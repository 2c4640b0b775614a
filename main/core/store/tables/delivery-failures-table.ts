import type { Prepare } from '../statement-cache.js';
import type { OutboxRow } from './queue-tables.js';

/** What deciding who a job will never reach needs of it. */
export type UnfinishedJob = Pick<OutboxRow, 'id' | 'envelopeId' | 'messageId' | 'seq' | 'attempts'>;

export type UndeliverableReason = 'removed' | 'refused';

export interface DeliveryFailureRow {
  member: Uint8Array;
  reason: UndeliverableReason;
  at: number;
}

export interface DeliveryFailuresReader {
  forMessage(messageId: Uint8Array): DeliveryFailureRow[];
  /** Our channel jobs of a group still waiting for acks (pending, sent, or given up after their retries). */
  unfinishedChannelJobs(groupId: Uint8Array): UnfinishedJob[];
  /**
   * Our channel jobs of a group with a sequence number past `seq`, finished (acked) ones too: an ack
   * says a member stored the envelope in its inbox, not that the group kept it (a removal cutoff may
   * still refuse it there).
   */
  channelJobsAfter(groupId: Uint8Array, seq: number): UnfinishedJob[];
}

export interface DeliveryFailuresWriter {
  /** True when new (a member's first reason for this message wins). */
  add(messageId: Uint8Array, member: Uint8Array, reason: UndeliverableReason, at: number): boolean;
}

const JOB_COLUMNS = 'id, envelope_id AS envelopeId, message_id AS messageId, seq, attempts';

export function deliveryFailuresReader(prepare: Prepare): DeliveryFailuresReader {
  return {
    forMessage: (id) => prepare('SELECT member, reason, at FROM delivery_failures WHERE message_id = ? ORDER BY at, member').all(id) as DeliveryFailureRow[],
    unfinishedChannelJobs: (g) =>
      prepare(
        `SELECT ${JOB_COLUMNS} FROM outbox WHERE group_id = ? AND destination = 'group' AND seq > 0 AND message_id IS NOT NULL
           AND (state IN ('pending', 'sent') OR (state = 'failed' AND last_error LIKE 'retries-exhausted: %'))`,
      ).all(g) as UnfinishedJob[],
    channelJobsAfter: (g, seq) =>
      prepare(
        `SELECT ${JOB_COLUMNS} FROM outbox WHERE group_id = ? AND destination = 'group' AND seq > ? AND message_id IS NOT NULL AND state != 'cancelled'`,
      ).all(g, seq) as UnfinishedJob[],
  };
}

export function deliveryFailuresWriter(prepare: Prepare): DeliveryFailuresWriter {
  return {
    add: (id, member, reason, at) =>
      prepare('INSERT OR IGNORE INTO delivery_failures (message_id, member, reason, at) VALUES (?, ?, ?, ?)').run(id, member, reason, at).changes === 1,
  };
}
