import { toBase64Url } from '../encoding/base64url.js';

/**
 * Which sync replies we take at all, and when a reply's `more` may make us ask again at once (issue 8,
 * class 5). A reply is signed by its responder but not tied to any request, so anyone could send us
 * replies (each one a body to decode, envelopes to store) with `more` set (each one making us send a
 * request). So a reply is taken only if it answers a request we made and that is still open (asked of
 * the whole group, or of that responder), once per responder and request, checked before its
 * signature or body (`sync-unsolicited`); a follow-up for its `more` within a per-group rate. Anything
 * else waits for the periodic gap check, which asks only when our cursors show something missing.
 */
/** How long a request of ours stays open for replies: generous, so a reply over a slow or loaded link is still taken. */
export const FOLLOW_UP_WINDOW_MS = 120_000;

export interface FollowUpRate {
  /** Follow-ups per group in a burst, and how many come back per second. */
  burst: number;
  perSecond: number;
}

export const DEFAULT_FOLLOW_UP_RATE: FollowUpRate = { burst: 16, perSecond: 4 };

const MAX_OPEN = 10_000;

export type FollowUpRefusal = 'sync-more-rate';

interface Open {
  at: number;
  answered: Set<string>;
}

export class SyncFollowUps {
  /** Requests we made: `group|*` (to the whole group) or `group|responder` -> when, and who answered. */
  private readonly open = new Map<string, Open>();
  private readonly tokens = new Map<string, { n: number; at: number }>();

  constructor(private readonly rate: FollowUpRate = DEFAULT_FOLLOW_UP_RATE) {}

  /** We sent a request for a group, to everyone or to one responder. */
  asked(groupId: Uint8Array, to: Uint8Array | undefined, now: number): void {
    if (this.open.size >= MAX_OPEN) this.prune(now);
    const key = `${toBase64Url(groupId)}|${to === undefined ? '*' : toBase64Url(to)}`;
    this.open.delete(key); // re-inserted at the end: the map stays ordered by time
    this.open.set(key, { at: now, answered: new Set() });
  }

  /**
   * Whether a reply from `from` would answer an open request of ours, without recording it: asked
   * of an envelope whose signature is not checked yet (a forged copy must not use up the slot).
   */
  isOpen(groupId: Uint8Array, from: Uint8Array, now: number): boolean {
    return this.openFor(groupId, from, now) !== undefined;
  }

  /**
   * Whether a (verified) reply from `from` answers an open request of ours, and records that it did:
   * each responder answers each request once, so a replayed reply answers nothing.
   */
  solicited(groupId: Uint8Array, from: Uint8Array, now: number): boolean {
    const o = this.openFor(groupId, from, now);
    o?.add(toBase64Url(from));
    return o !== undefined;
  }

  private openFor(groupId: Uint8Array, from: Uint8Array, now: number): Set<string> | undefined {
    const g = toBase64Url(groupId);
    const f = toBase64Url(from);
    for (const key of [`${g}|${f}`, `${g}|*`]) {
      const o = this.open.get(key);
      if (o === undefined || now - o.at > FOLLOW_UP_WINDOW_MS || o.answered.has(f)) continue;
      return o.answered;
    }
    return undefined;
  }

  /**
   * Undefined when a `more` from `from` may be followed up now; otherwise why not. The reply was
   * already found to answer an open request of ours (`solicited`, before its body was decoded).
   */
  mayFollow(groupId: Uint8Array, now: number): FollowUpRefusal | undefined {
    const g = toBase64Url(groupId);
    let t = this.tokens.get(g);
    if (t === undefined) {
      if (this.tokens.size >= MAX_OPEN) this.tokens.clear();
      t = { n: this.rate.burst, at: now };
      this.tokens.set(g, t);
    }
    t.n = Math.min(this.rate.burst, t.n + (Math.max(0, now - t.at) / 1000) * this.rate.perSecond);
    t.at = now;
    if (t.n < 1) return 'sync-more-rate';
    t.n -= 1;
    return undefined;
  }

  private prune(now: number): void {
    for (const [k, o] of this.open) {
      if (now - o.at <= FOLLOW_UP_WINDOW_MS) break;
      this.open.delete(k);
    }
    if (this.open.size >= MAX_OPEN) this.open.clear();
  }
}
