import { toBase64Url } from '../encoding/base64url.js';
import { updateOwnSendState } from '../ingest/send-state-tracker.js';
import type { OutboxRow } from '../store/tables/queue-tables.js';
import type { EngineContext } from '../kernel/engine-context.js';

/**
 * The session layer's handle on the durable outbox: take due jobs, report what happened to them.
 * Send states follow: a job published is 'sent'; every other member's ack makes it 'delivered';
 * giving up on a pending job makes it 'failed'.
 */
export class EngineOutbox {
  constructor(private readonly ctx: EngineContext) {}

  due(limit = 256): OutboxRow[] {
    return this.ctx.store.read.queue.dueOutbox(this.ctx.now(), limit);
  }

  nextDueAt(): number | undefined {
    return this.ctx.store.read.queue.nextOutboxDue();
  }

  /** Published; the next attempt is due at `retryAt` unless an ack comes first. */
  markSent(job: OutboxRow, retryAt: number): void {
    const ctx = this.ctx;
    const advanced = ctx.store.transaction(() => {
      ctx.store.write.queue.markOutboxSent(job.id, retryAt);
      return job.messageId !== null && ctx.store.write.messages.advanceSendState(job.messageId, 'sent');
    });
    if (advanced && job.messageId !== null) {
      ctx.events.emit('send-state', { groupId: toBase64Url(job.groupId), messageId: toBase64Url(job.messageId), state: 'sent' });
    }
  }

  /** The job needs nothing more (a direct envelope acked, or one never acked by design). */
  markDone(job: OutboxRow): void {
    this.ctx.store.write.queue.markOutboxAcked(job.id);
  }

  /** A member acknowledged one of our sequenced envelopes. */
  recordDelivery(envelopeId: Uint8Array, member: Uint8Array): void {
    const ctx = this.ctx;
    const fresh = ctx.store.write.messages.addDelivery(envelopeId, member, ctx.now());
    if (fresh) updateOwnSendState(ctx, envelopeId);
  }

  retryLater(job: OutboxRow, at: number, error: string): void {
    this.ctx.store.write.queue.markOutboxRetry(job.id, at, error);
  }

  /** Gives up on a job after its retries: a pending message becomes 'failed' (the user can retry). */
  fail(job: OutboxRow, error: string): void {
    const ctx = this.ctx;
    const failed = ctx.store.transaction(() => {
      ctx.store.write.queue.markOutboxFailed(job.id, error);
      return job.messageId !== null && ctx.store.write.messages.advanceSendState(job.messageId, 'failed');
    });
    if (failed && job.messageId !== null) {
      ctx.events.emit('send-state', { groupId: toBase64Url(job.groupId), messageId: toBase64Url(job.messageId), state: 'failed' });
    }
  }

  /** After reconnecting: everything pending is due now. */
  expedite(): void {
    this.ctx.store.write.queue.expediteOutbox(this.ctx.now());
  }
}
