import type { OutboxJob } from '../kernel/outbox-job.js';
import type { PublishOutcome, SessionContext } from './session-context.js';
import { retryPolicy } from './retry-policy.js';

/**
 * Drains the durable outbox onto the wire. A job is published when due and then waits for acks:
 * - sequenced channel envelopes: every joined member's ack, re-published after `ackTimeoutMs` up to
 *   `maxRetries` times (per group when tuned); after that the message is reported failed for whoever
 *   has not acked it (they may still catch up by sync, and a late ack turns it delivered). A retry
 *   goes straight to the members who have not acked when they are no more than those who have:
 *   re-published to the channel, every member who already holds it would receive, check and ack it
 *   again (issue 13: with one member offline, the other got each message up to six times);
 * - direct envelopes: the recipient's ack, retried with backoff (capped) until it comes;
 * - unsequenced channel envelopes (requests): published once.
 * While offline nothing is published and jobs stay pending: messages show as 'pending'. A job the
 * transport refuses for good (a bad name, too large) fails with the reason, and the others go on.
 */
export class OutboxPump {
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private closed = false;
  /**
   * No job still waiting in the outbox is due before this time (undefined: not known, ask the table).
   * Only a lower bound, kept so that an ack need not query the table (issue 13: two queries per ack,
   * nine acks per message in a group of ten). It holds because everything else that writes a job's
   * due time writes `now` (a new job, a retry by the user, expediting) and kicks a full run that
   * queries `due()`, and the pump's own retry times go into it; an ack only ends jobs, which can make
   * the bound early (the timer then finds nothing and asks the table) but never late.
   */
  private nextDue: number | undefined;
  /** The earliest retry time the current run gave a job it published. */
  private soonestRetry = Number.POSITIVE_INFINITY;

  constructor(private readonly s: SessionContext) {}

  /**
   * An ack (or a heartbeat's cumulative ack) finished jobs: that makes nothing due, so the pump runs
   * only when a job may be due by now (the table may say otherwise: the bound can be early).
   */
  acked(): void {
    if (this.nextDue !== undefined && Date.now() < this.nextDue) return;
    this.kick();
  }

  /** Runs soon (coalesced): after new jobs, a full transport buffer draining, going online, or a retry falling due. */
  kick(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    // A microtask: what was just queued goes out before the event loop turns (latency); everything
    // queued in the same turn goes in the same run.
    queueMicrotask(() => {
      this.scheduled = false;
      this.run();
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private run(): void {
    if (this.closed || !this.s.online()) return;
    const outbox = this.s.engine.outbox;
    const startedAt = Date.now();
    const known = this.nextDue;
    this.nextDue = undefined;
    this.soonestRetry = Number.POSITIVE_INFINITY;
    let drained = false;
    for (let round = 0; round < 64; round++) {
      const jobs = outbox.due(512);
      if (jobs.length === 0) {
        drained = true;
        break;
      }
      let blocked = false;
      for (const job of jobs) {
        if (!this.publish(job)) {
          blocked = true;
          break;
        }
      }
      if (blocked) {
        // Offline, or the transport's buffer is full: try again shortly (drain also kicks us).
        this.arm(Date.now() + 50);
        return;
      }
      if (jobs.length < 512) {
        drained = true;
        break;
      }
    }
    // Every job that was due went out. The ones that were not were due after `startedAt`, so no
    // sooner than the bound known before the run if that lies ahead too: with the retry times just
    // given, the next due time is known without asking the table. Otherwise, ask it.
    const next =
      drained && known !== undefined && known > startedAt ? Math.min(known, this.soonestRetry) : outbox.nextDueAt();
    this.nextDue = next ?? Number.POSITIVE_INFINITY;
    if (next !== undefined && Number.isFinite(next)) this.arm(next);
  }

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(0, Math.min(at - Date.now(), 60_000)));
  }

  /**
   * The names to retry a channel envelope at, one per member who has not acked, when they are no
   * more than the members who have; undefined: the channel (more are missing, or a name is unknown).
   */
  private directRetryNames(job: OutboxJob, status: { missing: Uint8Array[]; acked: number }): string[] | undefined {
    if (status.missing.length > Math.max(1, status.acked)) return undefined;
    const names: string[] = [];
    for (const member of status.missing) {
      const name = this.s.engine.channels.replyName(job.groupId, member);
      if (name === undefined) return undefined;
      names.push(name);
    }
    return names;
  }

  /** Publishes to each name; the first outcome that is not 'sent' stands for the whole (a retry repeats it). */
  private sendEach(names: readonly string[], job: OutboxJob): PublishOutcome {
    for (const name of names) {
      const outcome = this.s.send(name, job.bytes, { type: job.type, groupId: job.groupId, toChannel: false, seq: job.seq });
      if (outcome.kind !== 'sent') return outcome;
    }
    return { kind: 'sent' };
  }

  /** False when the transport cannot take it now (offline, buffer full): the run stops and retries shortly. */
  private publish(job: OutboxJob): boolean {
    const s = this.s;
    const outbox = s.engine.outbox;
    const toChannel = job.destination === 'group';
    const status = toChannel && job.seq > 0 && job.attempts > 0 ? outbox.ackStatus(job) : undefined;
    if (status !== undefined && status.missing.length === 0) {
      outbox.markDone(job);
      return true;
    }
    const policy = retryPolicy(s.options, job.groupId, toChannel && job.seq > 0 ? outbox.retryPolicy(job.groupId) : undefined);
    if (toChannel && job.seq > 0 && job.attempts > policy.maxRetries) {
      s.log.info('retries exhausted; reporting a delivery failure', { type: job.type, attempts: job.attempts });
      outbox.exhausted(job);
      return true;
    }
    const direct = status === undefined ? undefined : this.directRetryNames(job, status);
    let outcome = direct === undefined ? undefined : this.sendEach(direct, job);
    // A member's name the transport refuses must not fail the job: the channel reaches them too.
    if (outcome === undefined || outcome.kind === 'refused') outcome = s.send(job.slimName, job.bytes, { type: job.type, groupId: job.groupId, toChannel, seq: job.seq });
    if (outcome.kind === 'later') return false;
    if (outcome.kind === 'refused') {
      s.log.warn('an outbox job can never be published; marked failed', { type: job.type, reason: outcome.error.code });
      outbox.fail(job, `${outcome.error.code}: ${outcome.error.message}`);
      return true;
    }
    if (toChannel && job.seq === 0) {
      outbox.markSent(job, Number.MAX_SAFE_INTEGER);
      outbox.markDone(job);
    } else if (toChannel) {
      this.sent(job, Date.now() + policy.ackTimeoutMs);
    } else {
      const backoff = Math.min(s.options.ackTimeoutMs * 2 ** Math.min(job.attempts, 10), s.options.directRetryCapMs);
      this.sent(job, Date.now() + backoff);
    }
    return true;
  }

  private sent(job: OutboxJob, retryAt: number): void {
    this.s.engine.outbox.markSent(job, retryAt);
    this.soonestRetry = Math.min(this.soonestRetry, retryAt);
  }
}
