import type { ReceivedAck } from '../engine/session-port.js';
import type { Logger } from '../log/logger.js';

/** Most a batch holds: acks, and envelope ids over all of them (one ack alone may carry up to 4096). */
export interface AckBatchLimits {
  readonly acks: number;
  readonly envelopeIds: number;
}

/**
 * Bounds what a flood can make us hold: acks are signed, but by anyone in the group, so a member
 * can send as many as the network carries. Past either limit the batch is applied at once.
 */
export const ACK_BATCH_LIMITS: AckBatchLimits = { acks: 64, envelopeIds: 4096 };

/**
 * Received, verified acks collected for the rest of the event-loop turn and applied together
 * (issue 13: in a group of ten the sender gets nine acks per message, close together; one
 * transaction for the lot instead of one each). The engine applies a batch with the same effects
 * as one ack at a time; this only decides what goes together.
 */
export class AckIntake {
  private pending: ReceivedAck[] = [];
  private ids = 0;
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly apply: (acks: readonly ReceivedAck[]) => boolean,
    /** Some job finished: the outbox may have room to move on (once per batch). */
    private readonly progressed: () => void,
    private readonly log: Logger,
    private readonly limits: AckBatchLimits = ACK_BATCH_LIMITS,
  ) {}

  add(ack: ReceivedAck): void {
    if (this.pending.length > 0 && this.ids + ack.envelopeIds.length > this.limits.envelopeIds) this.flush();
    this.pending.push(ack);
    this.ids += ack.envelopeIds.length;
    if (this.pending.length >= this.limits.acks || this.ids >= this.limits.envelopeIds) {
      this.flush();
      return;
    }
    // setImmediate: after the I/O callbacks of this turn, so acks read together are applied together.
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Applies what was collected (also before closing: the engine is still open then). */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.pending;
    this.pending = [];
    this.ids = 0;
    if (batch.length === 0) return;
    let progressed = false;
    try {
      progressed = this.apply(batch);
    } catch (err) {
      // Nothing of the batch landed. One by one, so that an ack that cannot be applied does not take
      // the others with it (a lost ack is made good by the member's next heartbeat anyway).
      this.log.warn('a batch of acks could not be applied', { size: batch.length, error: messageOf(err) });
      if (batch.length > 1) progressed = batch.map((ack) => this.applyOne(ack)).some((p) => p);
    }
    if (progressed) this.progressed();
  }

  close(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.pending = [];
    this.ids = 0;
  }

  private applyOne(ack: ReceivedAck): boolean {
    try {
      return this.apply([ack]);
    } catch (err) {
      this.log.warn('an ack could not be applied', { error: messageOf(err) });
      return false;
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
