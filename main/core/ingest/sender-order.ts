import { toBase64Url } from '../encoding/base64url.js';
import type { VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { batchCursor } from './batch-reads.js';
import { SEQ_AHEAD_LIMIT } from '../store/tables/channel-log-table.js';
import type { InboxRow } from '../store/tables/queue-tables.js';
import type { Envelope } from '../wire/wire-schemas.js';
import type { Verdict } from './verdict.js';

/**
 * How long a sender's message waits for the ones before it (SLIM's receiver buffer: per-sender
 * order with gap detection and retransmission). Time enough for a catch-up round or the sender's
 * re-publish; after it, the message is shown anyway (a gap may never close: a message nobody holds).
 */
export const HOLD_MS = 3_000;
export const OUT_OF_ORDER = 'out-of-order';
const MAX_TRACKED = 10_000;

/**
 * Per-sender order of what the user sees. A member can get a sender's later messages before an
 * earlier one: the earlier one was published as the member's subscription landed (a node restart,
 * a reconnect) and comes again by catch-up or re-publish. Shown as they come, a sender's messages
 * would appear (and notify) out of order; so a MESSAGE whose predecessors are missing waits, up to
 * HOLD_MS, in the inbox ('deferred', reason out-of-order), and the gap is made visible to catch-up
 * at once. Only for senders whose start we know (a contiguous run or a welcome's mark): a member
 * who joined mid-stream without marks cannot tell a gap from history it will never get.
 */
export class SenderOrder {
  /** group|sender → the highest sequence number shown (also past a gap given up on). */
  private readonly shown = new Map<string, number>();
  /** group|sender → the lowest sequence number waiting. */
  private readonly waiting = new Map<string, number>();
  private earliestDeadline = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private wakeAfterCommit = false;
  private leftoversWoken = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly reschedule: () => void,
  ) {}

  /** A defer verdict when this envelope must wait for its sender's earlier ones; undefined to go on. */
  hold(row: InboxRow, v: VerifiedEnvelope): Verdict | undefined {
    const e = v.envelope;
    // Only a member's own signed word may make us wait and ask for more (the handler refuses the rest).
    if (e.type !== 'MESSAGE' || !v.signatureChecked) return undefined;
    const key = keyOf(e);
    const cursor = batchCursor(this.ctx, e.groupId, e.sender);
    const shown = this.shown.get(key);
    // Where the sender's stream starts for us: a contiguous run, a welcome's mark, or what we showed.
    if (shown === undefined && (cursor === undefined || (cursor.contiguous === 0 && cursor.firstSeq <= 1))) return undefined;
    const next = Math.max(cursor?.contiguous ?? 0, shown ?? 0) + 1;
    if (e.seq <= next) return undefined;
    // Far ahead (a jump of 2^31): not a gap to hold for and to ask about; the handler refuses it or makes it wait.
    if (e.seq > (cursor?.contiguous ?? 0) + SEQ_AHEAD_LIMIT) return undefined;
    const deadline = row.receivedAt + HOLD_MS;
    if (deadline <= this.ctx.now() || this.ctx.store.read.groups.member(e.groupId, e.sender) === undefined) return undefined;
    this.remember(this.waiting, key, Math.min(this.waiting.get(key) ?? e.seq, e.seq));
    this.arm(deadline);
    const { groupId, sender, seq } = e;
    // The sender used seq - 1 (it signed seq): catch-up sees the gap now, not at the next heartbeat.
    return { outcome: 'defer', reason: OUT_OF_ORDER, write: () => this.ctx.store.write.log.noteHighest(groupId, sender, seq - 1) };
  }

  /** A sequenced envelope was applied: the sender's later ones stop waiting once the gap before them is closed. */
  applied(e: Envelope): void {
    const key = keyOf(e);
    if (e.seq > (this.shown.get(key) ?? 0)) this.remember(this.shown, key, e.seq);
    const lowest = this.waiting.get(key);
    if (lowest !== undefined && e.seq + 1 >= lowest) {
      this.waiting.delete(key);
      this.wakeAfterCommit = true;
    }
  }

  /**
   * After a commit, and at the start of each pass: wakes the waiting envelopes whose gap closed or
   * whose time is up (and, once, those a previous run of the engine left waiting). True if any woke.
   */
  wake(): boolean {
    const due = this.wakeAfterCommit || !this.leftoversWoken || this.ctx.now() >= this.earliestDeadline;
    if (!due) return false;
    this.wakeAfterCommit = false;
    this.leftoversWoken = true;
    if (this.ctx.now() >= this.earliestDeadline) this.earliestDeadline = Number.POSITIVE_INFINITY;
    return this.ctx.store.write.queue.wakeDeferredFor(OUT_OF_ORDER) > 0;
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(deadline: number): void {
    if (deadline >= this.earliestDeadline && this.timer !== undefined) return;
    this.earliestDeadline = Math.min(this.earliestDeadline, deadline);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reschedule();
    }, Math.max(0, this.earliestDeadline - this.ctx.now()) + 10);
    this.timer.unref();
  }

  private remember(map: Map<string, number>, key: string, value: number): void {
    if (!map.has(key) && map.size >= MAX_TRACKED) map.clear();
    map.set(key, value);
  }
}

function keyOf(e: Envelope): string {
  return `${toBase64Url(e.groupId)}|${toBase64Url(e.sender)}`;
}
