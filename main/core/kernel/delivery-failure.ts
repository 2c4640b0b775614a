import type { DeliveryFailureView } from '../../../shared/domain/views.js';
import { toBase64Url } from '../encoding/base64url.js';
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
  return {
    reason: RETRIES_EXHAUSTED,
    detail: missing.length === 1 ? '1 member has not received it' : `${missing.length} members have not received it`,
    missing,
    retryable: true,
  };
}

/**
 * Why a message will never reach some members, as stored (see groups/undeliverable.ts). `nobodyLeft`:
 * the message failed because no one but us is left in the group (departure-recheck.ts), so a retry
 * could reach nobody either.
 */
export function undeliverableFailure(rows: readonly { member: Uint8Array; reason: 'removed' | 'refused' }[], nobodyLeft = false): DeliveryFailureView | null {
  const refused = rows.filter((r) => r.reason === 'refused');
  const chosen = refused.length > 0 ? refused : rows;
  const first = chosen[0];
  if (first === undefined) return null;
  const missing = chosen.map((r) => toBase64Url(r.member));
  const n = missing.length;
  const detail =
    first.reason === 'refused'
      ? 'It was sent after you were removed from the group, so the members refuse it'
      : n === 1
        ? '1 member left or was removed before receiving it'
        : `${n} members left or were removed before receiving it`;
  return { reason: first.reason, detail, missing, retryable: first.reason !== 'refused' && !nobodyLeft };
}
