import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { undeliverableFailure } from '../kernel/delivery-failure.js';
import { recheckAfterDeparture, type StateChange } from './departure-recheck.js';

/**
 * A message that will never reach someone says why. Called (inside the transaction) when a group
 * version changes who is in the group:
 * - a member who left or was removed before acking one of our unfinished messages never gets it
 *   (a non-member is served no history): 'removed', for that member;
 * - when it is we who were removed, our messages past the cutoff the admin signed for us are refused
 *   by every member (membership-check.ts drops them): 'refused', their jobs stop retrying and the
 *   messages turn 'failed' (final: retrySend refuses them);
 * - when others are gone, our earlier messages are measured again against who is left
 *   (departure-recheck.ts), so they become delivered / read rather than waiting for the gone.
 * The delivery-failed and send-state events go out once the transaction is committed.
 */
export function noteUndeliverable(ctx: EngineContext, groupId: Uint8Array, before: readonly Uint8Array[], after: readonly Uint8Array[], cutoffs: readonly { sender: Uint8Array; seq: number }[]): void {
  const gone = before.filter((m) => !after.some((a) => bytesEqual(a, m)));
  if (gone.length === 0) return;
  const store = ctx.store;
  const self = ctx.self().userId;
  const changes: (StateChange & { refused?: true })[] = [];
  const now = ctx.now();
  const noted = new Map<string, number>();
  const note = (messageId: Uint8Array, member: Uint8Array, reason: 'removed' | 'refused', attempts: number): void => {
    if (store.write.deliveryFailures.add(messageId, member, reason, now)) noted.set(toBase64Url(messageId), attempts);
  };
  const weLeft = gone.some((m) => bytesEqual(m, self));
  const ourCutoff = cutoffs.find((c) => bytesEqual(c.sender, self))?.seq ?? 0;
  // Refused ones past our cutoff, acked ones too (an ack meant stored, not kept), and the unfinished rest.
  const jobs = store.read.deliveryFailures.unfinishedChannelJobs(groupId);
  if (weLeft) for (const j of store.read.deliveryFailures.channelJobsAfter(groupId, ourCutoff)) if (!jobs.some((x) => x.id === j.id)) jobs.push(j);
  for (const job of jobs) {
    if (job.messageId === null) continue;
    const acked = store.read.messages.deliveries(job.envelopeId).map((d) => d.member);
    const missing = (m: Uint8Array): boolean => !bytesEqual(m, self) && !acked.some((a) => bytesEqual(a, m));
    if (weLeft && job.seq > ourCutoff) {
      // Every other member refuses it, whether or not it acked it (retractPastCutoffs).
      for (const m of before.filter((x) => !bytesEqual(x, self))) note(job.messageId, m, 'refused', job.attempts);
      store.write.queue.markOutboxFailed(job.id, `refused: sent after our removal (cutoff ${ourCutoff})`);
      if (store.write.messages.failRefused(job.messageId)) changes.push({ messageId: job.messageId, state: 'failed', refused: true });
      continue;
    }
    for (const m of gone.filter(missing)) note(job.messageId, m, 'removed', job.attempts);
  }
  if (!weLeft) changes.push(...recheckAfterDeparture(ctx, groupId));
  if (noted.size === 0 && changes.length === 0) return;
  const group = toBase64Url(groupId);
  setImmediate(() => {
    try {
      // The reason first, then the state it explains (a waiter on the state finds the reason stored).
      for (const [messageId, attempts] of noted) {
        const failure = undeliverableFailure(store.read.deliveryFailures.forMessage(Buffer.from(messageId, 'base64url')));
        if (failure !== null) ctx.events.emit('delivery-failed', { groupId: group, messageId, attempts, ...failure });
      }
      // A refusal says so: it is the one 'failed' that may follow 'delivered' or 'read' (a UI keeps states from moving back).
      for (const c of changes) {
        const messageId = toBase64Url(c.messageId);
        ctx.events.emit('send-state', c.refused === true ? { groupId: group, messageId, state: c.state, refused: true } : { groupId: group, messageId, state: c.state });
      }
    } catch {
      // the engine closed meanwhile
    }
  });
}
