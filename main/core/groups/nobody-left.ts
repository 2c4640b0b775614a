import { bytesEqual } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { NOBODY_LEFT } from './departure-recheck.js';

/**
 * Issue 9: a message we write in a group everyone else has left can reach nobody, ever, so it must
 * not wait as 'sent' forever. Like the messages departure-recheck.ts measures when the last other
 * member goes, it fails at once with reason 'removed' for the members who are gone (not retryable:
 * a retry would reach nobody either) and its jobs stop. A group that never had anyone else (no
 * former member) is left alone: nobody is missing there. Call inside the transaction that stored the
 * messages and queued their envelopes; returns the ids of the messages that failed.
 */
export function failWhenNobodyLeft(ctx: EngineContext, groupId: Uint8Array, messageIds: readonly Uint8Array[]): Uint8Array[] {
  if (messageIds.length === 0) return [];
  const store = ctx.store;
  const self = ctx.self().userId;
  // Someone still on the roster, even only invited, may yet receive it.
  if (store.read.groups.members(groupId).some((m) => !bytesEqual(m.userId, self))) return [];
  const gone = store.read.groups.formerMembers(groupId).filter((m) => !bytesEqual(m, self));
  if (gone.length === 0) return [];
  const now = ctx.now();
  const failed: Uint8Array[] = [];
  for (const messageId of messageIds) {
    for (const member of gone) store.write.deliveryFailures.add(messageId, member, 'removed', now);
    for (const job of store.read.queue.outboxByMessage(messageId)) {
      if (job.destination === 'group' && bytesEqual(job.groupId, groupId)) store.write.queue.markOutboxFailed(job.id, NOBODY_LEFT);
    }
    if (store.write.messages.failUnreachable(messageId)) failed.push(messageId);
  }
  return failed;
}
