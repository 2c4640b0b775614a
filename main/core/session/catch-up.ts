import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import { buildEnvelope } from '../envelopes/envelope-builder.js';
import { peekEnvelope, type PeekedEnvelope, type VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import { groupChannelName } from '../kernel/channel-names.js';
import type { ChannelLogEntry } from '../store/tables/channel-log-table.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import { syncReplySchema, syncRequestSchema, type SenderMark } from '../wire/wire-schemas.js';
import type { SessionContext } from './session-context.js';

/**
 * History sync (what SLIM lacks): a member asks its group for what it is missing, by per-sender
 * sequence numbers; members answer from their channel logs with the signed envelopes exactly as
 * their senders made them (so nobody can answer with anything forged). Everyone answers for its own
 * envelopes; the admin and archive peers answer for everyone; in a second round (`anyone`), every
 * member does. The same request fills gaps noticed while online (SLIM's retransmission request).
 */
const REPLY_MAX_ENVELOPES = 4096;
/** A reply is itself an envelope: its body stays under the envelope size limit. */
const REPLY_MAX_BYTES = 900 * 1024;
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

  constructor(
    private readonly s: SessionContext,
    private readonly isArchive: (groupId: Uint8Array) => boolean,
    private readonly onProgress: (p: SyncProgress | null) => void,
  ) {}

  /** What we are missing, summed over groups and senders (known from cursors and heartbeats). */
  missing(groupId?: Uint8Array): number {
    const read = this.s.ctx.store.read;
    const groups = groupId === undefined ? read.groups.list().map((g) => g.groupId) : [groupId];
    let n = 0;
    for (const g of groups) for (const c of read.log.cursors(g)) n += Math.max(0, c.highest - c.contiguous);
    return n;
  }

  /**
   * Asks a group's channel for everything after our cursors (or after `received`, what a reply
   * just brought that is still being processed). One request at a time per group.
   */
  request(groupId: Uint8Array, anyone = false, received?: Map<string, number>): void {
    const s = this.s;
    const group = s.ctx.store.read.groups.get(groupId);
    if (group === undefined && !this.isArchive(groupId)) return;
    const key = toBase64Url(groupId);
    const now = Date.now();
    if (received === undefined && now - (this.inFlight.get(key) ?? 0) < REQUEST_PATIENCE_MS) return;
    this.inFlight.set(key, now);
    this.lastAsked.set(key, now);
    const have: SenderMark[] = s.ctx.store.read.log
      .cursors(groupId)
      .map((c) => ({ sender: c.sender, seq: Math.max(c.contiguous, received?.get(toBase64Url(c.sender)) ?? 0) }));
    const body = encodeWire('SyncRequest', { have, anyone });
    const built = buildEnvelope(s.ctx.self(), { groupId, epoch: group?.epoch ?? 0, type: 'SYNC_REQUEST', seq: 0, sentAt: s.ctx.now(), body });
    s.publish(groupChannelName(groupId), built.bytes, { type: 'SYNC_REQUEST', groupId, toChannel: true, seq: 0 });
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

  /** A member (or former member) asks: answer from our log with what they lack and may read. */
  answer(v: VerifiedEnvelope, replyTo: string): void {
    const s = this.s;
    const e = v.envelope;
    const read = s.ctx.store.read;
    const self = s.ctx.self().userId;
    const archive = this.isArchive(e.groupId);
    const group = read.groups.get(e.groupId);
    if (group === undefined && !archive) return;
    let req;
    try {
      req = decodeWire('SyncRequest', syncRequestSchema, e.body);
    } catch {
      return;
    }
    const asker = e.sender;
    const everKnown = archive || read.groups.epochs(e.groupId).some((ep) => (read.groups.roster(e.groupId, ep.epoch) ?? []).some((m) => bytesEqual(m, asker)));
    if (!everKnown && read.groups.member(e.groupId, asker) === undefined) return;
    const forEveryone = archive || req.anyone || (group !== undefined && bytesEqual(group.creator, self));
    const have = new Map(req.have.map((m) => [toBase64Url(m.sender), m.seq]));
    const senders = read.log.cursors(e.groupId).filter((c) => forEveryone || bytesEqual(c.sender, self));
    const out: Uint8Array[] = [];
    const skipTo: SenderMark[] = [];
    let bytes = 0;
    let more = false;
    const readable = (entry: ChannelLogEntry): boolean =>
      entry.type !== 'CANCELLED' &&
      (archive || entry.type === 'GROUP_UPDATE' || (read.groups.roster(e.groupId, entry.epoch) ?? []).some((m) => bytesEqual(m, asker)));
    outer: for (const c of senders) {
      let after = have.get(toBase64Url(c.sender)) ?? 0;
      // The run of envelopes right after the asker's mark that it may not read.
      let leading = true;
      let skip = after;
      while (after < c.highest) {
        const batch = read.log.range(e.groupId, c.sender, after, c.highest, 128);
        if (batch.length === 0) break;
        for (const entry of batch) {
          after = entry.seq;
          if (!readable(entry)) {
            if (leading && entry.seq === skip + 1) skip = entry.seq;
            continue;
          }
          leading = false;
          if (out.length >= REPLY_MAX_ENVELOPES || bytes + entry.bytes.byteLength > REPLY_MAX_BYTES) {
            more = true;
            break outer;
          }
          out.push(entry.bytes);
          bytes += entry.bytes.byteLength;
        }
      }
      if (skip > (have.get(toBase64Url(c.sender)) ?? 0)) skipTo.push({ sender: c.sender, seq: skip });
    }
    const marks: SenderMark[] = read.log.cursors(e.groupId).map((c) => ({ sender: c.sender, seq: c.highest }));
    if (out.length === 0 && skipTo.length === 0 && marks.every((m) => (have.get(toBase64Url(m.sender)) ?? 0) >= m.seq)) return;
    const body = encodeWire('SyncReply', { envelopes: out, marks, more, skipTo });
    const reply = buildEnvelope(s.ctx.self(), { groupId: e.groupId, epoch: 0, type: 'SYNC_REPLY', seq: 0, sentAt: s.ctx.now(), body, recipient: asker });
    s.publish(replyTo, reply.bytes, { type: 'SYNC_REPLY', groupId: e.groupId, toChannel: false, seq: 0 });
  }

  /**
   * A reply for us: each inner envelope goes into the durable inbox like any received one (it is
   * signed by its own sender); the responder's marks tell us what exists that we lack.
   */
  accept(v: VerifiedEnvelope, receive: (bytes: Uint8Array, peeked: PeekedEnvelope) => void): void {
    const e = v.envelope;
    let reply;
    try {
      reply = decodeWire('SyncReply', syncReplySchema, e.body);
    } catch {
      return;
    }
    this.inFlight.delete(toBase64Url(e.groupId));
    const write = this.s.ctx.store.write.log;
    const known = this.s.ctx.store.read.groups.get(e.groupId) !== undefined || this.isArchive(e.groupId);
    if (known) {
      for (const m of reply.marks) write.noteHighest(e.groupId, m.sender, m.seq);
      // Only the sender itself or the admin may tell us to skip someone's envelopes; anyone else
      // could use it to hide messages from us.
      const creator = this.s.ctx.store.read.groups.get(e.groupId)?.creator;
      for (const m of reply.skipTo) {
        if (bytesEqual(m.sender, e.sender) || (creator !== undefined && bytesEqual(e.sender, creator))) write.startCursor(e.groupId, m.sender, m.seq + 1);
      }
    }
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
    if (reply.more && known) this.request(e.groupId, false, received);
  }
}
