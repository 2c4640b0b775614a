import { peekEnvelope } from '../envelopes/envelope-reader.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { InboxRow, InboxState } from '../store/tables/queue-tables.js';
import type { DeferredBounds } from './deferred-bounds.js';
import type { Received } from './received-queue.js';

/** At most this many envelopes of one tick skip the inbox table; a larger burst is stored first (and verified by the pool). */
export const DIRECT_MAX = 16;

interface Pending {
  received: Received;
  /** The inbox row written for it in the transaction being committed (deferred: it waits there). */
  storedAs: number | undefined;
}

/**
 * Received envelopes applied without an inbox row (issue 13: the round trip is bound by the pages
 * each transaction writes; the inbox row was a commit of its own and three pages per message).
 *
 * The inbox table exists so that nothing acknowledged is lost: an envelope is acked once it is
 * durable. An envelope applied in one transaction with its effects is just as durable once that
 * commits, so when the inbox is idle (nothing received ahead of these, nothing of their groups
 * deferred) a tick's few envelopes go straight through the inbox's own decide-and-commit, and each is
 * acked only after the commit that applied it. A crash before that commit leaves nothing written and
 * nothing acked: the sender sends it again. A deferred one gets its inbox row in the transaction that
 * defers it (it waits there like any other); done and dropped ones need none (the channel log and the
 * seen table are the replay guards, and drops are counted). If a run fails part way (the store refuses
 * writes), what it did not commit goes into the inbox table as if it had come in a burst.
 *
 * Rows stand for these envelopes with negative ids, which no inbox row has.
 */
export class DirectIntake {
  private nextId = -1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly bounds: DeferredBounds,
  ) {}

  /** Whether a tick's envelopes may skip the inbox table (the caller checked that it processes nothing now). */
  eligible(batch: Received[]): boolean {
    if (batch.length === 0 || batch.length > DIRECT_MAX) return false;
    const queue = this.ctx.store.read.queue;
    // Received earlier and not processed yet: these must not overtake it.
    if (queue.hasNewInbox()) return false;
    for (const r of batch) {
      let groupId: Uint8Array;
      try {
        groupId = peekEnvelope(r.bytes).groupId;
      } catch {
        continue; // not an envelope: dropped on either path
      }
      if (queue.hasDeferredFor(groupId)) return false;
    }
    return true;
  }

  /**
   * Applies `batch` through `process` (the inbox's decide-and-commit, which calls `finish` and
   * `committed`); hands what a failure left uncommitted to `fallback` (the inbox table).
   */
  async run(batch: Received[], process: (rows: InboxRow[]) => Promise<void>, fallback: (left: Received[]) => unknown): Promise<void> {
    const now = this.ctx.now();
    const rows = batch.map((received): InboxRow => {
      const id = this.nextId--;
      this.pending.set(id, { received, storedAs: undefined });
      return { id, bytes: received.bytes, receivedAt: now, origin: received.origin, state: 'new', groupId: null, reason: null, attempts: 0 };
    });
    try {
      await process(rows);
    } catch (err) {
      this.ctx.log.warn('direct intake: envelopes not applied, stored in the inbox instead', { error: String(err) });
    } finally {
      const left: Received[] = [];
      for (const [id, p] of this.pending) {
        // Counted against the deferral bounds under an id that no row will have.
        this.bounds.release(id);
        left.push(p.received);
      }
      this.pending.clear();
      if (left.length > 0) fallback(left);
    }
  }

  /** In place of the inbox's finishInbox, inside the transaction that applies the envelope. */
  finish(row: InboxRow, state: Exclude<InboxState, 'new'>, reason: string | null, groupId: Uint8Array | null): void {
    const p = this.pending.get(row.id);
    const queue = this.ctx.store.write.queue;
    if (p === undefined) {
      queue.finishInbox(row.id, state, reason, groupId);
      return;
    }
    // A retry of a failed transaction may decide otherwise: only the last decision's row counts.
    p.storedAs = undefined;
    if (state !== 'deferred') return;
    p.storedAs = queue.addInbox(row.bytes, row.origin, row.receivedAt);
    queue.finishInbox(p.storedAs, 'deferred', reason, groupId);
  }

  /** After the transaction that applied these rows committed: their senders may be acked now. */
  committed(rows: readonly InboxRow[]): void {
    for (const row of rows) {
      const p = this.pending.get(row.id);
      if (p === undefined) continue;
      this.pending.delete(row.id);
      if (p.storedAs !== undefined) this.bounds.rename(row.id, p.storedAs);
      p.received.resolve();
    }
  }
}
