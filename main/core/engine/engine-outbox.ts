import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import { updateOwnSendState } from '../ingest/send-state-tracker.js';
import { allAmong, joinedOthers } from '../groups/send-targets.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { parseOutboxJob, type OutboxJob } from '../kernel/outbox-job.js';
import { deliveryFailure, exhaustedReason } from '../kernel/delivery-failure.js';
import { AckBatch } from './ack-batch.js';
import { CumulativeAcks } from './cumulative-acks.js';
import { HeldEvents } from './held-events.js';
import { storedRetryPolicy } from '../groups/group-retry-policy.js';
import type { RetryPolicyView } from '../../../shared/domain/retry-policy.js';
import type { OutboxPort, ReceivedAck } from './session-port.js';

/**
 * The session layer's handle on the durable outbox: take due jobs, report what happened to them.
 * Send states follow: a job published is 'sent'; every other member's ack makes it 'delivered';
 * a job that can never go out makes its message 'failed' (the user can retry).
 */
export class EngineOutbox implements OutboxPort {
  private readonly cumulative: CumulativeAcks;

  constructor(private readonly ctx: EngineContext) {
    this.cumulative = new CumulativeAcks(ctx, (ack) => this.acknowledgeAll([ack]));
  }

  due(limit = 256): OutboxJob[] {
    const jobs: OutboxJob[] = [];
    for (const row of this.ctx.store.read.queue.dueOutbox(this.ctx.now(), limit)) {
      const parsed = parseOutboxJob(row);
      if ('job' in parsed) jobs.push(parsed.job);
      else {
        this.ctx.log.warn('an outbox job could not be read; marked failed', { id: row.id, problem: parsed.problem });
        this.fail({ id: row.id, groupId: row.groupId, messageId: row.messageId instanceof Uint8Array ? row.messageId : null }, parsed.problem);
      }
    }
    return jobs;
  }

  nextDueAt(): number | undefined {
    return this.ctx.store.read.queue.nextOutboxDue();
  }

  markSent(job: OutboxJob, retryAt: number): void {
    const ctx = this.ctx;
    const advanced = ctx.store.transaction(() => {
      ctx.store.write.queue.markOutboxSent(job.id, retryAt);
      return job.messageId !== null && ctx.store.write.messages.advanceSendState(job.messageId, 'sent');
    });
    if (advanced && job.messageId !== null) {
      ctx.events.emit('send-state', { groupId: toBase64Url(job.groupId), messageId: toBase64Url(job.messageId), state: 'sent' });
    }
  }

  markDone(job: OutboxJob): void {
    this.ctx.store.write.queue.markOutboxAcked(job.id);
  }

  fail(job: Pick<OutboxJob, 'id' | 'groupId' | 'messageId'>, reason: string): void {
    const ctx = this.ctx;
    const failed = ctx.store.transaction(() => {
      ctx.store.write.queue.markOutboxFailed(job.id, reason);
      return job.messageId !== null && ctx.store.write.messages.advanceSendState(job.messageId, 'failed');
    });
    if (failed && job.messageId !== null) {
      ctx.events.emit('send-state', { groupId: toBase64Url(job.groupId), messageId: toBase64Url(job.messageId), state: 'failed' });
    }
  }

  everyoneAcked(job: OutboxJob): boolean {
    const ctx = this.ctx;
    return allAmong(joinedOthers(ctx, job.groupId), ctx.store.read.messages.deliveries(job.envelopeId).map((d) => d.member));
  }

  ackStatus(job: OutboxJob): { missing: Uint8Array[]; acked: number } {
    const ctx = this.ctx;
    const acks = ctx.store.read.messages.deliveries(job.envelopeId).map((d) => d.member);
    const others = joinedOthers(ctx, job.groupId);
    const missing = others.filter((m) => !acks.some((id) => bytesEqual(id, m.userId))).map((m) => m.userId);
    return { missing, acked: others.length - missing.length };
  }

  exhausted(job: OutboxJob): void {
    const ctx = this.ctx;
    const acked = ctx.store.read.messages.deliveries(job.envelopeId).map((d) => d.member);
    const missing = joinedOthers(ctx, job.groupId)
      .filter((m) => !acked.some((id) => bytesEqual(id, m.userId)))
      .map((m) => toBase64Url(m.userId));
    if (missing.length === 0) {
      this.markDone(job);
      return;
    }
    ctx.store.write.queue.markOutboxFailed(job.id, exhaustedReason(missing));
    const failure = deliveryFailure([{ state: 'failed', lastError: exhaustedReason(missing) }]);
    if (job.messageId !== null && failure !== null) {
      ctx.events.emit('delivery-failed', { groupId: toBase64Url(job.groupId), messageId: toBase64Url(job.messageId), attempts: job.attempts, ...failure });
    }
  }

  retryPolicy(groupId: Uint8Array): RetryPolicyView {
    return storedRetryPolicy(this.ctx, groupId);
  }

  recordDelivery(envelopeId: Uint8Array, member: Uint8Array): void {
    const ctx = this.ctx;
    const fresh = ctx.store.write.messages.addDelivery(envelopeId, member, ctx.now());
    if (fresh) updateOwnSendState(ctx, envelopeId);
  }

  /** One ack: the same as a batch of one. */
  acknowledge(ack: ReceivedAck): boolean {
    return this.acknowledgeAll([ack]);
  }

  /**
   * Verified acks that arrived together, in one transaction (issue 13: a commit per ack, nine per
   * message in a group of ten, on the loop that also carries the next message). Events are held and
   * emitted once it committed: nothing is announced that a rollback would undo.
   */
  acknowledgeAll(acks: readonly ReceivedAck[]): boolean {
    if (acks.length === 0) return false;
    const ctx = this.ctx;
    const held = new HeldEvents(ctx.events);
    let progressed: boolean;
    try {
      progressed = ctx.store.transaction(() => new AckBatch({ ...ctx, events: held }, (job) => this.markDone(job)).run(acks));
    } catch (err) {
      held.drop();
      throw err;
    }
    held.release();
    return progressed;
  }

  acknowledgeUpTo(ack: { groupId: Uint8Array; from: Uint8Array; seq: number }): boolean {
    return this.cumulative.upTo(ack);
  }

  expedite(): void {
    this.ctx.store.write.queue.expediteOutbox(this.ctx.now());
  }
}
