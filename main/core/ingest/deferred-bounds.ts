import { toBase64Url } from '../encoding/base64url.js';
import { peekEnvelope, type VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { InboxRow } from '../store/tables/queue-tables.js';
import { drop, type Verdict } from './verdict.js';

/**
 * Bounds on deferred inbox rows (issue 8, class 6). Admission keeps strangers out, but a genuine
 * member (or the admin) can still sign envelopes for epochs that will never come, or sequence numbers
 * far ahead, and each would wait in our inbox as deferred forever. So a deferral stands only
 * - while the sender holds fewer than `perSender` rows (and `perSenderBytes`) deferred in that group,
 *   and the group fewer than `perGroup` (and `perGroupBytes`);
 * - for an epoch at most `maxEpochsAhead` past ours;
 * - for at most `maxAgeMs` since the row was received (expired rows are retried once more first:
 *   only what still cannot apply is dropped).
 * Anything past a bound is dropped with its own counted reason (`deferred-sender-cap`,
 * `deferred-group-cap`, `deferred-epoch-too-far`, `deferred-expired`) and a `dropped` event, never
 * silently. Every deferrable envelope is sequenced, so a genuine one dropped here is not lost: it
 * is not in our log, our cursor for its sender stays below it, and catch-up asks the group for it
 * again (the sender's heartbeat or any later envelope shows the gap).
 */
export interface DeferredLimits {
  perSender: number;
  perSenderBytes: number;
  perGroup: number;
  perGroupBytes: number;
  maxEpochsAhead: number;
  maxAgeMs: number;
}

const MIB = 1024 * 1024;
/** Generous enough for a catch-up's far-ahead MLS messages (replies carry at most 4,096 envelopes). */
export const DEFAULT_DEFERRED_LIMITS: DeferredLimits = {
  perSender: 8192,
  perSenderBytes: 64 * MIB,
  perGroup: 32_768,
  perGroupBytes: 256 * MIB,
  maxEpochsAhead: 128,
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
};

interface Held {
  group: string;
  sender: string;
  bytes: number;
}

interface Tally {
  rows: number;
  bytes: number;
}

export class DeferredBounds {
  private limits: DeferredLimits = DEFAULT_DEFERRED_LIMITS;
  /** Deferred (or woken, being retried) rows by inbox id; loaded from the store on first use. */
  private held: Map<number, Held> | undefined;
  private readonly bySender = new Map<string, Tally>();
  private readonly byGroup = new Map<string, Tally>();

  constructor(private readonly ctx: EngineContext) {}

  /** Other bounds than the defaults (deployments with other needs; tests use small ones). */
  configure(limits: Partial<DeferredLimits>): void {
    this.limits = { ...this.limits, ...limits };
  }

  /** A handler's verdict, with a deferral turned into a counted drop when it is past a bound. */
  bound(row: InboxRow, v: VerifiedEnvelope, verdict: Verdict): Verdict {
    if (verdict.outcome !== 'defer') return verdict;
    const held = this.load();
    const e = v.envelope;
    const l = this.limits;
    const refusal = this.refusal(row, v);
    if (refusal !== undefined) {
      this.release(row.id);
      return drop(refusal);
    }
    if (held.has(row.id)) return verdict; // taken within the bounds before: it keeps its place
    const group = toBase64Url(e.groupId);
    const sender = `${group}|${toBase64Url(e.sender)}`;
    const size = row.bytes.byteLength;
    const s = this.bySender.get(sender) ?? { rows: 0, bytes: 0 };
    if (s.rows >= l.perSender || s.bytes + size > l.perSenderBytes) return drop('deferred-sender-cap');
    const g = this.byGroup.get(group) ?? { rows: 0, bytes: 0 };
    if (g.rows >= l.perGroup || g.bytes + size > l.perGroupBytes) return drop('deferred-group-cap');
    this.add(row.id, { group, sender, bytes: size });
    return verdict;
  }

  /** The row is done or dropped: it no longer counts. */
  release(id: number): void {
    const h = this.held?.get(id);
    if (h === undefined) return;
    this.held?.delete(id);
    tally(this.bySender, h.sender, -1, -h.bytes);
    tally(this.byGroup, h.group, -1, -h.bytes);
  }

  /** A row counted under `from` now lives under `to` (direct-intake.ts: its inbox row is written only when it is deferred). */
  rename(from: number, to: number): void {
    const h = this.held?.get(from);
    if (h === undefined) return;
    this.held?.delete(from);
    this.held?.set(to, h);
  }

  /** Rows past their age, to be retried one last time (the inbox wakes them). */
  expiredBefore(): number {
    return this.ctx.now() - this.limits.maxAgeMs;
  }

  private refusal(row: InboxRow, v: VerifiedEnvelope): string | undefined {
    const e = v.envelope;
    if (this.ctx.now() - row.receivedAt > this.limits.maxAgeMs) return 'deferred-expired';
    const ours = this.ctx.store.read.groups.get(e.groupId)?.epoch;
    if (ours !== undefined && e.epoch > ours + this.limits.maxEpochsAhead) return 'deferred-epoch-too-far';
    return undefined;
  }

  private add(id: number, h: Held): void {
    this.held?.set(id, h);
    tally(this.bySender, h.sender, 1, h.bytes);
    tally(this.byGroup, h.group, 1, h.bytes);
  }

  private load(): Map<number, Held> {
    if (this.held !== undefined) return this.held;
    this.held = new Map();
    for (const row of this.ctx.store.read.queue.deferredRows()) {
      try {
        const p = peekEnvelope(row.bytes);
        const group = toBase64Url(p.groupId);
        this.add(row.id, { group, sender: `${group}|${toBase64Url(p.sender)}`, bytes: row.bytes.byteLength });
      } catch {
        // Only decoded envelopes are ever deferred; a row that no longer reads counts for nobody.
      }
    }
    return this.held;
  }
}

function tally(map: Map<string, Tally>, key: string, rows: number, bytes: number): void {
  const t = map.get(key) ?? { rows: 0, bytes: 0 };
  t.rows += rows;
  t.bytes += bytes;
  if (t.rows <= 0) map.delete(key);
  else map.set(key, t);
}
