import { isKizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../engine/engine-context.js';
import { readEnvelope, type VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import type { InboxRow } from '../store/tables/queue-tables.js';
import type { EnvelopeType } from '../wire/wire-schemas.js';
import { MAX_ENVELOPE_BYTES } from '../wire/wire-schemas.js';
import { handleGroupUpdate } from './handlers/group-update-handler.js';
import { handleInvite } from './handlers/invite-handler.js';
import { handleDecline, handleJoin } from './handlers/join-handlers.js';
import { handleLeave } from './handlers/leave-handler.js';
import { handleMessage } from './handlers/message-handler.js';
import { handleSecretReply, handleSecretRequest } from './handlers/secret-handlers.js';
import { handleTyping } from './handlers/typing-handler.js';
import { handleWelcome } from './handlers/welcome-handler.js';
import type { Handler, Verdict } from './verdict.js';

/** Channel envelopes with a per-sender sequence: logged, replay-checked by (group, sender, seq). */
export const SEQUENCED_TYPES: ReadonlySet<EnvelopeType> = new Set(['MESSAGE', 'GROUP_UPDATE', 'LEAVE']);
/** Unsequenced envelopes not worth remembering (their freshness is checked instead). */
const EPHEMERAL_TYPES: ReadonlySet<EnvelopeType> = new Set(['TYPING', 'HEARTBEAT', 'ACK', 'SYNC_REQUEST', 'SYNC_REPLY', 'DISCOVERY_REQUEST', 'DISCOVERY_REPLY']);

const BATCH = 256;

/**
 * The durable inbox. `receive` stores the raw bytes first (a crash after it loses nothing), then
 * processing verifies, checks and applies each envelope in its group's lock, marking the row in the
 * same transaction as the envelope's effects, so processing twice changes nothing.
 */
export class InboxProcessor {
  private readonly handlers = new Map<EnvelopeType, Handler>();
  private running: Promise<void> | undefined;
  private pending = false;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly ctx: EngineContext) {
    this.register('MESSAGE', handleMessage);
    this.register('GROUP_UPDATE', handleGroupUpdate);
    this.register('LEAVE', handleLeave);
    this.register('TYPING', handleTyping);
    this.register('INVITE', handleInvite);
    this.register('JOIN', handleJoin);
    this.register('DECLINE', handleDecline);
    this.register('WELCOME', handleWelcome);
    this.register('SECRET_REQUEST', handleSecretRequest);
    this.register('SECRET_REPLY', handleSecretReply);
  }

  /** The session layer adds its own types (ACK, SYNC_*, HEARTBEAT) here. */
  register(type: EnvelopeType, handler: Handler): void {
    this.handlers.set(type, handler);
  }

  /** Stores a received envelope durably and schedules processing. Returns the inbox row id. */
  receive(bytes: Uint8Array, origin = 'network'): number {
    const id = this.ctx.store.write.queue.addInbox(bytes.byteLength > MAX_ENVELOPE_BYTES + 1 ? bytes.subarray(0, MAX_ENVELOPE_BYTES + 1) : bytes, origin, this.ctx.now());
    this.schedule();
    return id;
  }

  /** Processes whatever is waiting (also what an earlier run left behind after a crash). */
  schedule(): void {
    if (this.closed) return;
    this.pending = true;
    if (this.running === undefined) {
      this.running = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
    }
  }

  /** Resolves once nothing is waiting (tests and benchmarks wait on this, never on a sleep). */
  idle(): Promise<void> {
    if (this.running === undefined) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): Promise<void> {
    this.closed = true;
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.closed) {
        this.pending = false;
        for (;;) {
          const rows = this.ctx.store.read.queue.inboxBatch(BATCH);
          if (rows.length === 0 || this.closed) break;
          for (const row of rows) await this.processRow(row);
        }
      }
    } finally {
      this.running = undefined;
      if (this.pending && !this.closed) this.schedule();
      else for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async processRow(row: InboxRow): Promise<void> {
    const ctx = this.ctx;
    let v: VerifiedEnvelope;
    try {
      v = readEnvelope(row.bytes);
    } catch (err) {
      this.finishDropped(row, reasonOf(err), undefined);
      return;
    }
    const e = v.envelope;
    const self = ctx.self();
    if (e.recipient.byteLength > 0 && !bytesEqual(e.recipient, self.userId)) return this.finishDropped(row, 'not-for-me', v);
    const handler = this.handlers.get(e.type);
    if (handler === undefined) return this.finishDropped(row, 'unknown-type', v);
    const sequenced = SEQUENCED_TYPES.has(e.type);
    if (sequenced !== e.seq > 0) return this.finishDropped(row, 'bad-sequence', v);

    await ctx.groupLocks.run(toBase64Url(e.groupId), async () => {
      if (bytesEqual(e.sender, self.userId)) {
        // Our own envelope coming back from the channel (or from a sync): we have it already.
        ctx.store.transaction(() => ctx.store.write.queue.finishInbox(row.id, 'done', 'own', e.groupId));
        return;
      }
      const replay = this.replayReason(v, sequenced);
      if (replay !== undefined) return this.finishDropped(row, replay, v);
      let verdict: Verdict;
      try {
        verdict = await handler(ctx, v);
      } catch (err) {
        ctx.log.warn('envelope handler failed', { type: e.type, reason: reasonOf(err) });
        verdict = { outcome: 'drop', reason: reasonOf(err) };
      }
      if (verdict.outcome === 'drop') return this.finishDropped(row, verdict.reason, v);
      try {
        ctx.store.transaction(() => {
          if (verdict.outcome === 'done') {
            verdict.write?.();
            if (sequenced) {
              ctx.store.write.log.append({ groupId: e.groupId, sender: e.sender, seq: e.seq, epoch: e.epoch, type: e.type, envelopeId: v.id, bytes: v.bytes, receivedAt: ctx.now() });
            } else if (!EPHEMERAL_TYPES.has(e.type)) {
              ctx.store.write.log.markSeen(v.id, ctx.now());
            }
            ctx.store.write.queue.finishInbox(row.id, 'done', null, e.groupId);
          } else {
            ctx.store.write.queue.finishInbox(row.id, 'deferred', verdict.reason, e.groupId);
          }
        });
      } catch (err) {
        // Nothing of this envelope landed; the cached MLS state may be ahead of the stored one.
        ctx.mlsStates.forget(e.groupId);
        ctx.log.warn('envelope could not be applied', { type: e.type, reason: reasonOf(err) });
        return this.finishDropped(row, reasonOf(err), v);
      }
      verdict.after?.();
      if (verdict.outcome === 'done' && verdict.wake === true && ctx.store.write.queue.wakeDeferred(e.groupId) > 0) this.pending = true;
    });
  }

  private replayReason(v: VerifiedEnvelope, sequenced: boolean): string | undefined {
    const e = v.envelope;
    if (sequenced) {
      const held = this.ctx.store.read.log.get(e.groupId, e.sender, e.seq);
      if (held === undefined) return undefined;
      return bytesEqual(held.envelopeId, v.id) ? 'replay' : 'equivocation';
    }
    return !EPHEMERAL_TYPES.has(e.type) && this.ctx.store.read.log.seen(v.id) ? 'replay' : undefined;
  }

  private finishDropped(row: InboxRow, reason: string, v: VerifiedEnvelope | undefined): void {
    const ctx = this.ctx;
    const e = v?.envelope;
    ctx.store.transaction(() => {
      ctx.store.write.queue.finishInbox(row.id, 'dropped', reason, e?.groupId ?? null);
      ctx.store.write.log.countDrop(reason);
    });
    ctx.log.info('envelope dropped', { reason, type: e?.type });
    ctx.events.emit('dropped', {
      reason,
      ...(e === undefined ? {} : { groupId: toBase64Url(e.groupId), sender: toBase64Url(e.sender), type: e.type }),
    });
  }
}

/** A stable, lower-case reason from whatever was thrown. */
export function reasonOf(err: unknown): string {
  if (isKizunaError(err)) return err.code.toLowerCase().replaceAll('_', '-');
  return 'internal';
}
