import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import { emitGroup } from '../groups/group-views.js';
import { updateOwnSendState } from '../ingest/send-state-tracker.js';
import { allAmong, joinedOthers } from '../groups/send-targets.js';
import type { GroupMemberRow } from '../store/tables/groups-table.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { parseOutboxJob, type OutboxJob } from '../kernel/outbox-job.js';
import { deliveryFailure, exhaustedReason, isExhausted } from '../kernel/delivery-failure.js';
import { CumulativeAcks } from './cumulative-acks.js';
import { storedRetryPolicy } from '../groups/group-retry-policy.js';
import type { RetryPolicyView } from '../../../shared/domain/retry-policy.js';
import type { OutboxPort } from './session-port.js';

/**
 * The session layer's handle on the durable outbox: take due jobs, report what happened to them.
 * Send states follow: a job published is 'sent'; every other member's ack makes it 'delivered';
 * a job that can never go out makes its message 'failed' (the user can retry).
 */
export class EngineOutbox implements OutboxPort {
  private readonly cumulative: CumulativeAcks;

  constructor(private readonly ctx: EngineContext) {
    this.cumulative = new CumulativeAcks(ctx, (ack) => this.acknowledge(ack));
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

  /**
   * One transaction for a whole ack: each delivery, send state and finished job would otherwise be a
   * commit of its own, several per acked envelope, on the loop that also carries the next message.
   */
  acknowledge(ack: { groupId: Uint8Array; from: Uint8Array; envelopeIds: readonly Uint8Array[] }): boolean {
    return this.ctx.store.transaction(() => this.acknowledgeIn(ack));
  }

  private acknowledgeIn(ack: { groupId: Uint8Array; from: Uint8Array; envelopeIds: readonly Uint8Array[] }): boolean {
    const { groupId, from, envelopeIds } = ack;
    const ctx = this.ctx;
    const read = ctx.store.read;
    const member = read.groups.member(groupId, from);
    // An ack of a channel envelope proves the member listens to the channel, so accepted: sealed and
    // unencrypted groups learn who joined this way. (An ack of a direct envelope, an invitation, proves
    // only that it arrived; MLS groups know their members from the MLS roster.)
    if (member?.status === 'invited' && read.groups.get(groupId)?.mode !== 'mls') {
      const ofChannel = envelopeIds.some((id) => read.queue.outboxByEnvelope(id).some((j) => j.destination === 'group'));
      if (ofChannel) {
        ctx.store.write.groups.setMemberStatus(groupId, from, 'joined');
        emitGroup(ctx, groupId);
      }
    }
    // Who the envelopes wait for is read once per ack, not once per envelope and use (issue 13: in a
    // group of ten, every message brings nine acks, and each read the roster twice). Only for the
    // ack's own group: an envelope of another group (an ack that lies about it) is measured against
    // that group's members, as before.
    let others: GroupMemberRow[] | undefined;
    const joined = (of: Uint8Array): GroupMemberRow[] => (bytesEqual(of, groupId) ? (others ??= joinedOthers(ctx, groupId)) : joinedOthers(ctx, of));
    let progressed = false;
    for (const id of envelopeIds) {
      let acks: Uint8Array[] | undefined;
      const ackers = (): Uint8Array[] => (acks ??= read.messages.deliveries(id).map((d) => d.member));
      if (member !== undefined && ctx.store.write.messages.addDelivery(id, from, ctx.now())) updateOwnSendState(ctx, id, { others: joined, deliveredTo: ackers });
      for (const row of read.queue.outboxByEnvelope(id)) {
        // A job given up after its retries still finishes when the last missing member acks it late.
        if (row.state !== 'sent' && row.state !== 'pending' && !isExhausted(row)) continue;
        const parsed = parseOutboxJob(row);
        if (!('job' in parsed)) continue; // due() marks it failed when its turn comes
        const job = parsed.job;
        const finished =
          job.destination === 'user' ? job.recipient !== null && bytesEqual(job.recipient, from) : member !== undefined && allAmong(joined(job.groupId), ackers());
        if (finished) {
          this.markDone(job);
          progressed = true;
        }
      }
    }
    return progressed;
  }

  acknowledgeUpTo(ack: { groupId: Uint8Array; from: Uint8Array; seq: number }): boolean {
    return this.cumulative.upTo(ack);
  }

  expedite(): void {
    this.ctx.store.write.queue.expediteOutbox(this.ctx.now());
  }
}
