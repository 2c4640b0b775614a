import { toBase64Url } from '../encoding/base64url.js';

/**
 * The bounds on history sync (issue 8, class 5). A sync request makes us read our log and send up to
 * ~900 KB, so it is the cheapest way to make a member work or to aim its bandwidth at someone:
 * - a request is answered only while fresh (its signed send time within FRESH_MS of our clock) and
 *   once (a replay cache of the ids seen within that window, bounded; an id is recorded only after
 *   its signature verified);
 * - each requester has a budget of answers and bytes (token buckets), so one member cannot keep us
 *   serving, however many requests it signs.
 */
export const SYNC_FRESH_MS = 2 * 60_000;
const REPLAY_CACHE_MAX = 20_000;

export interface SyncBudget {
  /** Answers a requester may get in a burst, and how many come back per second. */
  answers: number;
  answersPerSecond: number;
  /** Bytes a requester may be sent in a burst, and how many come back per second. */
  bytes: number;
  bytesPerSecond: number;
}

export const DEFAULT_SYNC_BUDGET: SyncBudget = { answers: 64, answersPerSecond: 8, bytes: 64 * 1024 * 1024, bytesPerSecond: 8 * 1024 * 1024 };

interface Bucket {
  answers: number;
  bytes: number;
  at: number;
}

export type SyncRefusal = 'sync-stale' | 'sync-replay' | 'sync-over-budget';

export class SyncGuard {
  /** Request ids answered (or refused) within the freshness window: id -> when it expires. */
  private readonly seen = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly budget: SyncBudget = DEFAULT_SYNC_BUDGET) {}

  /**
   * Freshness and replay, checked before the signature or the body: undefined when the request may
   * go on to be verified. Records nothing: an id enters the cache only once its signature held
   * (`record`), or a forged copy sent first would make the genuine request look like a replay.
   */
  screen(id: Uint8Array, sentAt: number, now: number): SyncRefusal | undefined {
    if (Math.abs(now - sentAt) > SYNC_FRESH_MS) return 'sync-stale';
    return this.seen.has(toBase64Url(id)) ? 'sync-replay' : undefined;
  }

  /** A request whose signature held: answered once (undefined), or refused as a replay. */
  record(id: Uint8Array, sentAt: number, now: number): SyncRefusal | undefined {
    const key = toBase64Url(id);
    if (this.seen.has(key)) return 'sync-replay';
    this.prune(now);
    this.seen.set(key, sentAt + SYNC_FRESH_MS);
    return undefined;
  }

  /** Whether `requester` has an answer left in its budget (taken now; bytes are charged once known). */
  takeAnswer(requester: Uint8Array, now: number): boolean {
    const b = this.bucket(requester, now);
    if (b.answers < 1 || b.bytes <= 0) return false;
    b.answers -= 1;
    return true;
  }

  chargeBytes(requester: Uint8Array, bytes: number, now: number): void {
    this.bucket(requester, now).bytes -= bytes;
  }

  private bucket(requester: Uint8Array, now: number): Bucket {
    const key = toBase64Url(requester);
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= REPLAY_CACHE_MAX) this.buckets.clear();
      b = { answers: this.budget.answers, bytes: this.budget.bytes, at: now };
      this.buckets.set(key, b);
    }
    const seconds = Math.max(0, now - b.at) / 1000;
    b.answers = Math.min(this.budget.answers, b.answers + seconds * this.budget.answersPerSecond);
    b.bytes = Math.min(this.budget.bytes, b.bytes + seconds * this.budget.bytesPerSecond);
    b.at = now;
    return b;
  }

  private prune(now: number): void {
    if (this.seen.size < REPLAY_CACHE_MAX) {
      // Entries are in insertion order, roughly by expiry: drop the expired ones at the front.
      for (const [k, until] of this.seen) {
        if (until > now) break;
        this.seen.delete(k);
      }
      return;
    }
    // Full of live ids (a flood): forget the oldest half. Replays of those are still bounded by the budgets.
    let n = this.seen.size / 2;
    for (const k of this.seen.keys()) {
      if (n-- <= 0) break;
      this.seen.delete(k);
    }
  }
}
