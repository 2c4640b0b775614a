import { toBase64Url } from '../encoding/base64url.js';
import { peekEnvelope, type PeekedEnvelope, type VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import { groupChannelName } from '../kernel/channel-names.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import { syncReplySchema, syncRequestSchema } from '../wire/wire-schemas.js';
import type { SessionContext } from './session-context.js';
import { SyncFollowUps } from './sync-follow-ups.js';
import { SyncGuard, type SyncBudget } from './sync-guard.js';

/**
 * History sync (what SLIM lacks): a member asks its group for what it is missing, by per-sender
 * sequence numbers; members answer from their channel logs (what they may serve is the engine's
 * rule: ChannelPort.answerSync). The same request fills gaps noticed while online (SLIM's
 * retransmission request). This side decides when to ask, and tracks the progress.
 */
/** How long a request may go unanswered before the next one for the same group. */
const REQUEST_PATIENCE_MS = 2_000;

export interface SyncProgress {
  done: number;
  total: number;
}

export class CatchUp {
  /** Per group: rounds asked without the gaps closing (escalates to `anyone`). */
  private readonly rounds = new Map<string, number>();
  private readonly lastAsked = new Map<string, number>();
  /** Per group: a request is on its way (no second one until it is answered or times out). */
  private readonly inFlight = new Map<string, number>();
  private progress: SyncProgress | null = null;
  private readonly guard: SyncGuard;
  /** Which replies' `more` we follow up at once (only answers to our own open requests, rate-limited). */
  private readonly followUps = new SyncFollowUps();

  constructor(
    private readonly s: SessionContext,
    private readonly isArchive: (groupId: Uint8Array) => boolean,
    private readonly onProgress: (p: SyncProgress | null) => void,
    budget?: SyncBudget,
  ) {
    this.guard = new SyncGuard(budget);
  }

  /** What we are missing, summed over groups and senders (known from cursors and heartbeats). */
  missing(groupId?: Uint8Array): number {
    return this.s.engine.channels.missing(groupId);
  }

  /**
   * Asks a group's channel for everything after our cursors (or after `received`, what a reply
   * just brought that is still being processed). One request at a time per group.
   */
  request(groupId: Uint8Array, anyone = false, received?: Map<string, number>, to?: { userId: Uint8Array; name: string }): void {
    const s = this.s;
    const channels = s.engine.channels;
    if (!channels.knows(groupId) && !this.isArchive(groupId)) return;
    const key = toBase64Url(groupId);
    const now = Date.now();
    if (received === undefined && now - (this.inFlight.get(key) ?? 0) < REQUEST_PATIENCE_MS) return;
    this.inFlight.set(key, now);
    this.lastAsked.set(key, now);
    const { epoch, have } = channels.syncRequest(groupId, received);
    const body = encodeWire('SyncRequest', { have, anyone });
    // `more` from one member is asked of that member alone (addressed to it), never of the whole group.
    const recipient = to === undefined ? {} : { recipient: to.userId };
    const built = s.engine.signEnvelope({ groupId, epoch, type: 'SYNC_REQUEST', seq: 0, sentAt: s.engine.now(), body, ...recipient });
    s.publish(to?.name ?? groupChannelName(groupId), built.bytes, { type: 'SYNC_REQUEST', groupId, toChannel: to === undefined, seq: 0 });
    // The follow-up window and rate run on the engine's clock (tests hold it still), pacing on the wall clock.
    this.followUps.asked(groupId, to?.userId, s.engine.now());
  }

  /** After (re)connecting: ask every group we listen to. */
  requestAll(groupIds: Uint8Array[]): void {
    this.rounds.clear();
    for (const g of groupIds) this.request(g);
    this.updateProgress(true);
  }

  /** Periodic: groups with gaps ask again; a gap that survives two rounds asks everyone. */
  checkGaps(groupIds: Uint8Array[]): void {
    const now = Date.now();
    for (const g of groupIds) {
      const key = toBase64Url(g);
      if (this.missing(g) === 0) {
        this.rounds.delete(key);
        continue;
      }
      if (now - (this.lastAsked.get(key) ?? 0) < this.s.options.gapCheckMs) continue;
      const round = (this.rounds.get(key) ?? 0) + 1;
      this.rounds.set(key, round);
      this.request(g, round >= 2);
    }
    this.updateProgress(false);
  }

  updateProgress(starting: boolean): void {
    const missing = this.missing();
    if (missing === 0) {
      if (this.progress !== null) {
        this.progress = null;
        this.onProgress(null);
      }
      return;
    }
    if (this.progress === null || starting) this.progress = { done: 0, total: missing };
    else this.progress = { done: Math.max(0, this.progress.total - missing), total: Math.max(this.progress.total, missing) };
    this.onProgress(this.progress);
  }

  /**
   * Cheap checks on a sync envelope before its signature is checked or its body decoded: a group we
   * know (or archive), from someone in its signed rosters (archive peers serve anyone who asks, within
   * budgets), and, for a request, fresh and not seen before; for a reply, an answer to an open
   * request of ours. False: refused (and counted).
   */
  screen(e: PeekedEnvelope): boolean {
    const channels = this.s.engine.channels;
    const archive = this.isArchive(e.groupId);
    let refusal: string | undefined;
    if (!archive && !channels.knows(e.groupId)) refusal = 'sync-unknown-group';
    else if (e.type === 'SYNC_REQUEST') {
      if (!archive && !channels.knowsMember(e.groupId, e.sender)) refusal = 'sync-not-member';
      else refusal = this.guard.screen(e.id, e.sentAt, this.s.engine.now());
    } else if (!this.followUps.isOpen(e.groupId, e.sender, this.s.engine.now())) {
      // A reply answering none of our open requests: its body is never decoded (archive peers
      // answer only requests we sent, so they pass).
      refusal = 'sync-unsolicited';
    }
    if (refusal === undefined) return true;
    channels.refused(refusal, e.groupId);
    return false;
  }

  /**
   * A sync envelope whose signature does not hold for its claimed sender: nothing answered, nothing
   * recorded (its id stays free for the genuine one), counted.
   */
  forged(e: PeekedEnvelope): void {
    this.s.engine.channels.refused('sync-bad-signature', e.groupId);
  }

  /**
   * A member (or former member) asks: answer from our log with what they lack and may read, to the
   * SLIM name the group's signed record gives the asker, never to the name the request came from
   * (anyone can put a victim's name there). Archive peers know no records: they answer the source,
   * within the same budgets.
   */
  answer(v: VerifiedEnvelope, replyTo: string | undefined): void {
    const s = this.s;
    const e = v.envelope;
    const archive = this.isArchive(e.groupId);
    const channels = s.engine.channels;
    if (!channels.knows(e.groupId) && !archive) return;
    const to = archive ? (channels.replyName(e.groupId, e.sender) ?? replyTo) : channels.replyName(e.groupId, e.sender);
    if (to === undefined) return;
    const now = s.engine.now();
    // Its signature held: only now may its id enter the replay cache.
    const replay = this.guard.record(v.id, e.sentAt, now);
    if (replay !== undefined) {
      channels.refused(replay, e.groupId);
      return;
    }
    if (!this.guard.takeAnswer(e.sender, now)) {
      channels.refused('sync-over-budget', e.groupId);
      return;
    }
    let req;
    try {
      req = decodeWire('SyncRequest', syncRequestSchema, e.body);
    } catch {
      return;
    }
    const answer = channels.answerSync({ groupId: e.groupId, asker: e.sender, have: req.have, anyone: req.anyone }, archive);
    if (answer === undefined) return;
    const body = encodeWire('SyncReply', answer);
    const reply = s.engine.signEnvelope({ groupId: e.groupId, epoch: 0, type: 'SYNC_REPLY', seq: 0, sentAt: now, body, recipient: e.sender });
    this.guard.chargeBytes(e.sender, reply.bytes.byteLength, now);
    s.publish(to, reply.bytes, { type: 'SYNC_REPLY', groupId: e.groupId, toChannel: false, seq: 0 });
  }

  /**
   * A reply for us: each inner envelope goes into the durable inbox like any received one (it is
   * signed by its own sender); the responder's marks tell us what exists that we lack, as far as it
   * may speak for it (the engine's rule). `more` is asked of the responder alone.
   */
  accept(v: VerifiedEnvelope, receive: (bytes: Uint8Array, peeked: PeekedEnvelope) => void): void {
    const e = v.envelope;
    const channels = this.s.engine.channels;
    const known = channels.knows(e.groupId) || this.isArchive(e.groupId);
    if (!known) return;
    // Its signature held: only now does it use up its responder's answer to our request (screen only looked).
    if (!this.followUps.solicited(e.groupId, e.sender, this.s.engine.now())) {
      channels.refused('sync-unsolicited', e.groupId);
      return;
    }
    let reply;
    try {
      reply = decodeWire('SyncReply', syncReplySchema, e.body);
    } catch {
      return;
    }
    this.inFlight.delete(toBase64Url(e.groupId));
    channels.acceptSyncMarks({ groupId: e.groupId, from: e.sender, marks: reply.marks, skipTo: reply.skipTo });
    // What this reply brought, per sender, so the next request (sent right away, while these are
    // processed) starts after it instead of asking for the same envelopes again.
    const received = new Map<string, number>();
    for (const inner of reply.envelopes) {
      let p: PeekedEnvelope;
      try {
        p = peekEnvelope(inner);
      } catch {
        continue; // not an envelope at all: nothing to store or to count on
      }
      receive(inner, p);
      const k = toBase64Url(p.sender);
      if (p.seq > (received.get(k) ?? 0)) received.set(k, p.seq);
    }
    if (!reply.more) return;
    // A `more` is followed up only from a member, for a request of ours, within a rate (else the
    // periodic gap check asks, if our cursors show anything missing).
    // A genuine `more` means the reply was cut at its size limit, so it carries envelopes; an empty
    // one would only have us ask the same again.
    const refusal = !channels.knowsMember(e.groupId, e.sender)
      ? 'sync-more-not-member'
      : reply.envelopes.length === 0
        ? 'sync-more-empty'
        : this.followUps.mayFollow(e.groupId, this.s.engine.now());
    if (refusal !== undefined) {
      channels.refused(refusal, e.groupId);
      return;
    }
    // Only the responder knows there is more: we ask it, at the name its group record gives it.
    const name = channels.replyName(e.groupId, e.sender);
    if (name !== undefined) this.request(e.groupId, false, received, { userId: e.sender, name });
  }
}
