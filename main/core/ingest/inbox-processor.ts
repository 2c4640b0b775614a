import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { SEQUENCED_TYPES } from '../envelopes/envelope-kinds.js';
import type { VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import { acquireSignaturePool, type SignaturePool } from '../envelopes/signature-pool.js';
import { InnerSignatureChecks } from './inner-signatures.js';
import { REFUSED } from '../store/tables/channel-log-table.js';
import type { InboxRow } from '../store/tables/queue-tables.js';
import { MAX_ENVELOPE_BYTES, type EnvelopeType } from '../wire/wire-schemas.js';
import { nextLoopTurn } from '../scheduling/turn-gate.js';
import { handleGroupUpdate } from './handlers/group-update-handler.js';
import { handleInvite } from './handlers/invite-handler.js';
import { handleDecline, handleJoin } from './handlers/join-handlers.js';
import { handleLeave } from './handlers/leave-handler.js';
import { handleMessage } from './handlers/message-handler.js';
import { handleSecretReply, handleSecretRequest } from './handlers/secret-handlers.js';
import { handleTyping } from './handlers/typing-handler.js';
import { handleWelcome } from './handlers/welcome-handler.js';
import { closeBatchReads, openBatchReads } from './batch-reads.js';
import { decodeInOrder } from './decode-in-order.js';
import { SenderOrder } from './sender-order.js';
import { ReceivedQueue, type Received } from './received-queue.js';
import { DeferredBounds } from './deferred-bounds.js';
import { DirectIntake } from './direct-intake.js';
import { SearchIndexer } from './search-indexer.js';
import { DEFAULT_TURN_BUDGET, nextRowsPerTurn } from './turn-budget.js';
import { reasonOf, type Handler, type Verdict } from './verdict.js';

/** Unsequenced envelopes not worth remembering (their freshness is checked instead). */
const EPHEMERAL_TYPES: ReadonlySet<EnvelopeType> = new Set(['TYPING', 'HEARTBEAT', 'ACK', 'SYNC_REQUEST', 'SYNC_REPLY', 'DISCOVERY_REQUEST', 'DISCOVERY_REPLY']);

/** Envelopes that only add content: processed in batches, many per transaction. */
const BATCHABLE: ReadonlySet<EnvelopeType> = new Set(['MESSAGE', 'TYPING']);
const MAX_BATCH = 128;

/** One handler per stored envelope type; the session layer's own types (ACK, SYNC_*, HEARTBEAT) never reach the inbox. */
const HANDLERS: ReadonlyMap<EnvelopeType, Handler> = new Map<EnvelopeType, Handler>([
  ['MESSAGE', handleMessage], ['GROUP_UPDATE', handleGroupUpdate], ['LEAVE', handleLeave], ['TYPING', handleTyping],
  ['INVITE', handleInvite], ['JOIN', handleJoin], ['DECLINE', handleDecline], ['WELCOME', handleWelcome],
  ['SECRET_REQUEST', handleSecretRequest], ['SECRET_REPLY', handleSecretReply],
]);

interface Decided {
  row: InboxRow;
  v: VerifiedEnvelope | undefined;
  verdict: Verdict;
}

/**
 * The durable inbox. `receive` stores the raw bytes first (a crash after it loses nothing), then
 * processing verifies, checks and applies each envelope in its group's lock, marking the row in the
 * same transaction as the envelope's effects, so processing twice changes nothing. (When idle, a
 * tick's few envelopes skip the table: applied in one commit, acked after it; direct-intake.ts.)
 *
 * Speed comes from batching: received bytes are written in one transaction per tick, and a run of
 * content envelopes of one group is decided one by one but committed together (with the MLS state
 * it advanced), so thousands of messages a second cost hundreds, not thousands, of commits.
 */
export class InboxProcessor {
  private running: Promise<void> | undefined;
  private pending = false;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** Sequenced envelopes were applied since messages waiting for their turn were last retried. */
  private progressed = false;
  private incoming: Received[] = [];
  private incomingScheduled = false;
  /** Inbox rows taken per turn of the event loop, sized to a time budget (see turn-budget.ts). */
  private rowsPerTurn = 128;
  /** Stored messages into the search index, in turns of their own. */
  private readonly searchIndexer: SearchIndexer;
  /** A sender's messages shown in their order (held briefly while one before them is missing). */
  private readonly order: SenderOrder;
  /** Caps and expiry on deferred rows (issue 8, class 6). */
  readonly deferredBounds: DeferredBounds;
  /** What was received, on its way into the inbox table (a burst through the signature pool). */
  private readonly received: ReceivedQueue;
  /** A few envelopes received while idle, applied without inbox rows. */
  private readonly direct: DirectIntake;

  /** `pool`: verifies bursts of received signatures on other threads (issue 13); null, all on this one. */
  constructor(private readonly ctx: EngineContext, private readonly pool: SignaturePool | null = acquireSignaturePool()) {
    this.received = new ReceivedQueue(pool, ctx.checkedSignatures, (items) => this.writeIncoming(items) && this.schedule());
    this.order = new SenderOrder(ctx, () => this.schedule());
    this.deferredBounds = new DeferredBounds(ctx);
    this.direct = new DirectIntake(ctx, this.deferredBounds);
    this.searchIndexer = new SearchIndexer(ctx);
  }

  /**
   * Queues a received envelope for the inbox. The returned promise resolves once it is stored
   * durably (written with the others of this tick in one transaction): acknowledge it only then.
   */
  receive(bytes: Uint8Array, origin = 'network'): Promise<void> {
    const stored = bytes.byteLength > MAX_ENVELOPE_BYTES + 1 ? bytes.subarray(0, MAX_ENVELOPE_BYTES + 1) : bytes;
    return new Promise<void>((resolve) => {
      this.incoming.push({ bytes: stored, origin, resolve });
      if (this.incomingScheduled) return;
      this.incomingScheduled = true;
      setImmediate(() => this.storeIncoming());
    });
  }

  private storeIncoming(): void {
    this.incomingScheduled = false;
    const batch = this.incoming;
    this.incoming = [];
    if (this.closed) return;
    // Idle: a few envelopes are applied at once, each acked after its commit (direct-intake.ts).
    if (this.running === undefined && !this.received.waiting() && this.direct.eligible(batch)) {
      this.pending = true;
      this.running = Promise.resolve().then(() => this.drain(batch));
    } else this.received.add(batch);
  }

  /** Writes received envelopes (a tick's, or a chunk the pool answered) in one transaction, then lets the senders be acked. */
  private writeIncoming(batch: Received[]): boolean {
    if (batch.length === 0) return false;
    const now = this.ctx.now();
    try {
      this.ctx.store.transaction(() => {
        for (const r of batch) this.ctx.store.write.queue.addInbox(r.bytes, r.origin, now);
      });
    } catch (err) {
      // Disk full, read-only or locked (store.health reports it): nothing of this batch is stored,
      // so none of it is acknowledged (the promises stay pending) and the senders send it again.
      this.ctx.log.warn('inbox: received envelopes not stored', { error: String(err), count: batch.length });
      return false;
    }
    for (const r of batch) r.resolve();
    return true;
  }

  /** Processes whatever is waiting (also what an earlier run left behind after a crash). */
  schedule(): void {
    if (this.closed) return;
    this.pending = true;
    if (this.running === undefined) {
      // A microtask, not a later tick: a message just stored is processed right away (latency);
      // several receives in one tick still share one run (`running` is set until it ends).
      this.running = Promise.resolve().then(() => this.drain());
    }
  }

  /** Whether envelopes are waiting or being processed (catch-up asks for more only when idle). */
  busy(): boolean {
    return this.running !== undefined || this.incomingScheduled || this.received.waiting();
  }

  /** Resolves once nothing is waiting (tests and benchmarks wait on this, never on a sleep). */
  idle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Deferred rows past their age get one last try; what still cannot apply is dropped as `deferred-expired`. */
  expireDeferred(): void {
    if (this.ctx.store.write.queue.wakeDeferredBefore(this.deferredBounds.expiredBefore()) > 0) this.schedule();
  }

  close(): Promise<void> {
    this.closed = true;
    this.order.close();
    // What was received but not yet written is written now: it was promised durable.
    this.received.flush();
    const incoming = this.incoming;
    this.incoming = [];
    this.writeIncoming(incoming);
    this.pool?.release();
    return this.running ?? Promise.resolve();
  }

  private async drain(direct?: Received[]): Promise<void> {
    try {
      if (direct !== undefined) {
        await this.direct.run(direct, (rows) => this.processRows(rows), (left) => this.writeIncoming(left) && this.schedule());
        this.searchIndexer.noteProcessed(direct.length);
      }
      while (this.pending && !this.closed) {
        this.pending = false;
        this.order.wake();
        for (;;) {
          if (this.closed) break;
          // Idle (or a long burst): turns of search indexing until the index has caught up. Asked before
          // the rows are read, else the next pass reads them again (ingest bench: one row in three). And
          // no read of an empty batch (after every direct intake: ~0.1 ms of a round trip).
          const waiting = this.ctx.store.read.queue.hasNewInbox();
          if (this.searchIndexer.due(waiting)) {
            this.searchIndexer.turn();
            await nextLoopTurn();
            continue;
          }
          let rows = waiting ? this.ctx.store.read.queue.inboxBatch(this.rowsPerTurn) : [];
          if (rows.length === 0 && this.progressed) {
            // The backlog is done: messages held for being far ahead get their turn now.
            this.progressed = false;
            if (this.ctx.store.write.queue.wakeDeferredFor('far-ahead') > 0) rows = this.ctx.store.read.queue.inboxBatch(this.rowsPerTurn);
          }
          if (rows.length === 0) break;
          const started = performance.now();
          await this.processRows(rows);
          this.searchIndexer.noteProcessed(rows.length);
          this.rowsPerTurn = nextRowsPerTurn(this.rowsPerTurn, rows.length, performance.now() - started, DEFAULT_TURN_BUDGET);
          // Handlers resolve at once for most envelopes: without this, a backlog would keep the
          // event loop from network I/O (and liveness probes) until it is all processed. A gated turn: a
          // pass of the loop that runs this one runs no frame turn (scheduling/turn-gate.ts).
          await nextLoopTurn();
        }
      }
    } finally {
      this.running = undefined;
      if (this.pending && !this.closed) this.schedule();
      else if (!this.incomingScheduled && !this.received.waiting()) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Decodes each row, then handles runs of rows of one group inside that group's lock. */
  private async processRows(rows: InboxRow[]): Promise<void> {
    let run: { row: InboxRow; v: VerifiedEnvelope }[] = [];
    let runGroup = '';
    const flushRun = async (): Promise<void> => {
      if (run.length === 0) return;
      const current = run;
      run = [];
      await this.ctx.groupLocks.run(runGroup, () => this.processRun(current));
    };
    for (const { row, v, error } of decodeInOrder(this.ctx, rows)) {
      if (v === undefined) {
        await flushRun();
        this.commit([{ row, v: undefined, verdict: { outcome: 'drop', reason: reasonOf(error) } }]);
        continue;
      }
      const key = toBase64Url(v.envelope.groupId);
      if (key !== runGroup) await flushRun();
      runGroup = key;
      run.push({ row, v });
    }
    await flushRun();
  }

  /** Inside one group's lock: decide each envelope; commit content envelopes in batches. */
  private async processRun(items: { row: InboxRow; v: VerifiedEnvelope }[]): Promise<void> {
    const ctx = this.ctx;
    const self = ctx.self().userId;
    let batch: Decided[] = [];
    const claimed = new Set<string>();
    // MLS inner signatures, verified before the batch lands (a burst's on another core; inner-signatures.ts).
    let signatures = new InnerSignatureChecks(this.pool);
    const commitBatch = async (): Promise<void> => {
      closeBatchReads(ctx);
      const [decided, checks] = [batch, signatures];
      [batch, signatures] = [[], new InnerSignatureChecks(this.pool)];
      await checks.settle();
      if (decided.length > 0) this.commit(decided);
      claimed.clear();
    };
    try {
      for (const { row, v } of items) {
        openBatchReads(ctx);
        const e = v.envelope;
        const sequenced = SEQUENCED_TYPES.has(e.type);
        const early = this.precheck(v, sequenced, self, claimed) ?? this.order.hold(row, v);
        if (early !== undefined) {
          batch.push({ row, v, verdict: early });
          continue;
        }
        const batchable = BATCHABLE.has(e.type);
        // Anything that changes the group (versions, keys, membership) is decided on the committed
        // state of everything before it, and committed on its own.
        if (!batchable) await commitBatch();
        let verdict: Verdict;
        try {
          verdict = await (HANDLERS.get(e.type) as Handler)(ctx, v);
        } catch (err) {
          ctx.log.warn('envelope handler failed', { type: e.type, reason: reasonOf(err) });
          verdict = { outcome: 'drop', reason: reasonOf(err) };
        }
        verdict = this.deferredBounds.bound(row, v, verdict);
        // A refused content used up its number as much as a shown one did (see Verdict `consumed`).
        if (sequenced && (verdict.outcome === 'done' || (verdict.outcome === 'drop' && verdict.consumed === true))) {
          claimed.add(`${toBase64Url(e.sender)}:${e.seq}`);
          this.order.applied(e);
        }
        else if (!sequenced && verdict.outcome === 'done') claimed.add(toBase64Url(v.id));
        batch.push({ row, v, verdict });
        signatures.note(batch[batch.length - 1] as Decided);
        if (!batchable || batch.length >= MAX_BATCH) await commitBatch();
      }
      await commitBatch();
    } finally {
      // A throw part way must not leave the memo open for a later batch.
      closeBatchReads(ctx);
    }
  }

  /** Refusals that need no handler: not for us, unknown type, bad sequence, our own, replays. */
  private precheck(v: VerifiedEnvelope, sequenced: boolean, self: Uint8Array, claimed: Set<string>): Verdict | undefined {
    const e = v.envelope;
    if (e.recipient.byteLength > 0 && !bytesEqual(e.recipient, self)) return { outcome: 'drop', reason: 'not-for-me' };
    if (!HANDLERS.has(e.type)) return { outcome: 'drop', reason: 'unknown-type' };
    if (sequenced !== e.seq > 0) return { outcome: 'drop', reason: 'bad-sequence' };
    // Our own envelope coming back from the channel (or from a sync): we have it already.
    if (bytesEqual(e.sender, self)) return { outcome: 'done', own: true };
    if (sequenced) {
      if (claimed.has(`${toBase64Url(e.sender)}:${e.seq}`)) return { outcome: 'drop', reason: 'replay' };
      const held = this.ctx.store.read.log.heldId(e.groupId, e.sender, e.seq);
      const own = held !== undefined && bytesEqual(held, v.id);
      if (own && v.waitingHeld === true) return undefined;
      if (held !== undefined) return { outcome: 'drop', reason: own ? 'replay' : 'equivocation' };
    } else if (!EPHEMERAL_TYPES.has(e.type) && (claimed.has(toBase64Url(v.id)) || this.ctx.store.read.log.seen(v.id))) {
      return { outcome: 'drop', reason: 'replay' };
    }
    return undefined;
  }

  /** One transaction for a batch of decided envelopes; events and wake-ups once it committed. */
  private commit(batch: Decided[]): void {
    const ctx = this.ctx;
    const now = ctx.now();
    const wake = new Map<string, Uint8Array>();
    try {
      ctx.store.transaction(() => {
        for (const d of batch) this.apply(d, now);
      });
    } catch (err) {
      // Nothing of this batch landed; cached MLS states may be ahead of the stored ones. Apply the
      // envelopes one by one so that one bad envelope does not take the others with it.
      ctx.log.warn('a batch of envelopes could not be applied', { reason: reasonOf(err), size: batch.length });
      for (const d of batch) if (d.v !== undefined) ctx.mlsStates.forget(d.v.envelope.groupId);
      if (batch.length > 1) {
        for (const d of batch) this.commit([d]);
        return;
      }
      const d = batch[0] as Decided;
      ctx.store.transaction(() => this.apply({ ...d, verdict: { outcome: 'drop', reason: reasonOf(err) } }, now));
      batch = [{ ...d, verdict: { outcome: 'drop', reason: reasonOf(err) } }];
    }
    this.direct.committed(batch.map((d) => d.row));
    for (const d of batch) {
      const e = d.v?.envelope;
      if (d.verdict.outcome === 'drop') {
        ctx.log.info('envelope dropped', { reason: d.verdict.reason, type: e?.type });
        ctx.events.emit('dropped', {
          reason: d.verdict.reason,
          ...(e === undefined ? {} : { groupId: toBase64Url(e.groupId), sender: toBase64Url(e.sender), type: e.type }),
        });
        continue;
      }
      d.verdict.after?.();
      if (d.verdict.outcome === 'done' && d.verdict.wake === true && e !== undefined) wake.set(toBase64Url(e.groupId), e.groupId);
    }
    // Messages waiting because they are far ahead of their sender's sequence are not retried after
    // every batch (that made a catch-up with a live tail quadratic): they wait for the backlog to end.
    for (const groupId of wake.values()) if (ctx.store.write.queue.wakeDeferred(groupId, 'far-ahead') > 0) this.pending = true;
    if (this.order.wake()) this.pending = true;
    if (batch.some((d) => d.verdict.outcome === 'done' && d.v?.envelope.seq !== 0)) this.progressed = true;
  }

  private apply(d: Decided, now: number): void {
    const ctx = this.ctx;
    const e = d.v?.envelope;
    const groupId = e?.groupId ?? null;
    const verdict = d.verdict;
    if (verdict.outcome !== 'defer') this.deferredBounds.release(d.row.id);
    if (verdict.outcome === 'drop') {
      this.direct.finish(d.row, 'dropped', verdict.reason, groupId);
      ctx.store.write.log.countDrop(verdict.reason);
      // Its number is used up: logged (not shown) so catch-up sees no gap and serves it like any other.
      // (A WAITING entry is refused whatever the reason: its number was taken when it began to wait.)
      if ((verdict.consumed === true || d.v?.waitingHeld === true) && d.v !== undefined && SEQUENCED_TYPES.has(d.v.envelope.type)) this.log(d.v, REFUSED, now);
      // Content decrypted and held while it waited (MLS keys are single-use) goes with it.
      if (d.v?.deferredBefore === true) ctx.store.write.log.releasePlaintext(d.v.id);
      return;
    }
    if (verdict.outcome === 'defer') {
      verdict.write?.();
      this.direct.finish(d.row, 'deferred', verdict.reason, groupId);
      return;
    }
    if (verdict.own === true || e === undefined || d.v === undefined) {
      this.direct.finish(d.row, 'done', 'own', groupId);
      return;
    }
    verdict.write?.();
    if (SEQUENCED_TYPES.has(e.type)) {
      this.log(d.v, e.type, now);
    } else if (!EPHEMERAL_TYPES.has(e.type)) {
      ctx.store.write.log.markSeen(d.v.id, now);
    }
    this.direct.finish(d.row, 'done', null, groupId);
  }

  /** Logs a sequenced envelope as `type`: appended, or (the row that waited) its WAITING entry settled as that. */
  private log(v: VerifiedEnvelope, type: string, now: number): void {
    const { groupId, sender, seq, epoch } = v.envelope;
    if (v.waitingHeld === true) this.ctx.store.write.log.settleWaiting(groupId, sender, seq, v.id, type);
    else this.ctx.store.write.log.append({ groupId, sender, seq, epoch, type, envelopeId: v.id, bytes: v.bytes, receivedAt: now });
  }
}
