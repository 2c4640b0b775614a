import { bytesEqual } from '../encoding/base64url.js';
import { joinedOthers, ownSendTarget } from './send-targets.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { SendState } from '../store/tables/messages-table.js';

/** Why the jobs of a message nobody is left to receive stopped (the outbox row's last_error). */
export const NOBODY_LEFT = 'removed: nobody else is left in the group';

/** One of our messages whose state a departure changed (emitted once the transaction commits). */
export interface StateChange {
  messageId: Uint8Array;
  state: Exclude<SendState, 'received'>;
}

/**
 * A member who left or was removed will never ack or read again, so our earlier messages are measured
 * again against who is in the group now (issue 9: a message must not stay 'sent' forever because of
 * someone who is gone). Call inside the transaction that changed the member list, when someone other
 * than us is gone.
 * - Others remain: 'read' / 'delivered' once every one of them read / acked it (what they did before,
 *   the gone members' acks and receipts simply no longer count).
 * - Nobody remains but us: what the gone members did decides, since nobody else ever can: read by one
 *   of them → 'read', acked by one → 'delivered', by none → 'failed' (noteUndeliverable has stored
 *   reason 'removed' for each of them) and its jobs stop, as there is no one to send it to.
 * A message that reaches its end has its channel jobs finished, so they stop being retried.
 */
export function recheckAfterDeparture(ctx: EngineContext, groupId: Uint8Array): StateChange[] {
  const store = ctx.store;
  const self = ctx.self().userId;
  const others = joinedOthers(ctx, groupId);
  const changes: StateChange[] = [];
  for (const messageId of store.read.messages.unfinishedOf(groupId, self)) {
    const next = others.length > 0 ? ownSendTarget(ctx, messageId, others) : aloneTarget(ctx, messageId);
    if (next === undefined) continue;
    const moved = next === 'failed' ? store.write.messages.failUnreachable(messageId) : store.write.messages.advanceSendState(messageId, next);
    for (const job of store.read.queue.outboxByMessage(messageId)) {
      if (job.destination !== 'group' || !bytesEqual(job.groupId, groupId)) continue;
      if (next === 'failed') store.write.queue.markOutboxFailed(job.id, NOBODY_LEFT);
      else store.write.queue.markOutboxAcked(job.id);
    }
    if (moved) changes.push({ messageId, state: next });
  }
  return changes;
}

/** With nobody left to ask, what the members who were there did is final. */
function aloneTarget(ctx: EngineContext, messageId: Uint8Array): 'read' | 'delivered' | 'failed' {
  if (ctx.store.read.messages.receipts(messageId).length > 0) return 'read';
  if (ctx.store.read.messages.deliveries(messageId).length > 0) return 'delivered';
  return 'failed';
}
