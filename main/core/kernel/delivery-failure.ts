import type { DeliveryFailureView } from '../../../shared/domain/views.js';
import type { OutboxRow } from '../store/tables/queue-tables.js';

/**
 * Seed 000: after the last retry, a message some members still have not acked is reported failed,
 * never dropped quietly. The outbox job is kept as 'failed' with the reason (and who is missing) in
 * its last_error, so the failure survives a restart without a migration; the message keeps its send
 * state ('sent': it did go out), and a later ack (a member's cumulative ack converging) still turns it
 * 'delivered', which finishes the job and clears the failure.
 */
export const RETRIES_EXHAUSTED = 'retries-exhausted';
const PREFIX = `${RETRIES_EXHAUSTED}: `;

/** What goes in the job's last_error. */
export function exhaustedReason(missing: readonly string[]): string {
  return `${PREFIX}${missing.join(',')}`;
}

/** Whether an outbox row was given up after its retries (a later ack may still finish it). */
export function isExhausted(row: Pick<OutboxRow, 'state' | 'lastError'>): boolean {
  return row.state === 'failed' && row.lastError !== null && row.lastError.startsWith(PREFIX);
}

/** The failure to show on one of our messages, from its outbox rows; null when there is none. */
export function deliveryFailure(rows: readonly Pick<OutboxRow, 'state' | 'lastError'>[]): DeliveryFailureView | null {
  const row = rows.find(isExhausted);
  if (row === undefined || row.lastError === null) return null;
  const missing = row.lastError.slice(PREFIX.length).split(',').filter((s) => s.length > 0);
  return { reason: RETRIES_EXHAUSTED, detail: missing.length === 1 ? '1 member has not received it' : `${missing.length} members have not received it`, missing };
}
