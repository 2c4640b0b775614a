import type { MyGroupState } from '../../../shared/domain/views.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import { SEQUENCED_TYPES } from '../envelopes/envelope-kinds.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { ChannelLogEntry } from '../store/tables/channel-log-table.js';
import type { SenderMark } from '../wire/wire-schemas.js';
import type { ChannelPort, SyncAnswer } from './session-port.js';

/** Whether we listen to a group's channel in this state of ours in it (joining already: the welcome comes there). */
export function listensIn(state: MyGroupState): boolean {
  return state === 'joined' || state === 'joining';
}

/** A reply is itself an envelope: at most this many inner envelopes, its body under the envelope size limit. */
const REPLY_MAX_ENVELOPES = 4096;
export const REPLY_MAX_BYTES = 900 * 1024;

/**
 * The engine's side of the group channels: the channel log (what we hold, per sender), its cursors
 * (what we lack), and the rules of history sync: members answer with the signed envelopes exactly as
 * their senders made them (nobody can answer with anything forged), and only with what the asker may
 * read (the epochs it was in). Everyone answers for its own envelopes; the admin and archive peers
 * for everyone; in a second round (`anyone`), every member does.
 */
export class EngineChannels implements ChannelPort {
  constructor(private readonly ctx: EngineContext) {}

  listening(): Uint8Array[] {
    return this.ctx.store.read.groups
      .list()
      .filter((g) => listensIn(g.myState))
      .map((g) => g.groupId);
  }

  knows(groupId: Uint8Array): boolean {
    return this.ctx.store.read.groups.get(groupId) !== undefined;
  }

  isMember(groupId: Uint8Array, userId: Uint8Array): boolean {
    return this.ctx.store.read.groups.member(groupId, userId) !== undefined;
  }

  noteHighest(groupId: Uint8Array, sender: Uint8Array, seq: number): void {
    this.ctx.store.write.log.noteHighest(groupId, sender, seq);
  }

  missing(groupId?: Uint8Array): number {
    const read = this.ctx.store.read;
    const groups = groupId === undefined ? read.groups.list().map((g) => g.groupId) : [groupId];
    let n = 0;
    for (const g of groups) for (const c of read.log.cursors(g)) n += Math.max(0, c.highest - c.contiguous);
    return n;
  }

  heartbeat(groupId: Uint8Array): { epoch: number; ownSeq: number; have: SenderMark[] } | undefined {
    const read = this.ctx.store.read;
    const group = read.groups.get(groupId);
    if (group === undefined || group.myState !== 'joined') return undefined;
    // Cumulative acks: what we hold of every other sender, repeated with every beat.
    const self = this.ctx.self().userId;
    const have = read.log.cursors(groupId).filter((c) => c.contiguous > 0 && !bytesEqual(c.sender, self)).map((c) => ({ sender: c.sender, seq: c.contiguous }));
    return { epoch: group.epoch, ownSeq: read.log.nextOwnSeq(groupId) - 1, have };
  }

  syncRequest(groupId: Uint8Array, received?: ReadonlyMap<string, number>): { epoch: number; have: SenderMark[] } {
    const read = this.ctx.store.read;
    const have = read.log.cursors(groupId).map((c) => ({ sender: c.sender, seq: Math.max(c.contiguous, received?.get(toBase64Url(c.sender)) ?? 0) }));
    return { epoch: read.groups.get(groupId)?.epoch ?? 0, have };
  }

  answerSync(request: { groupId: Uint8Array; asker: Uint8Array; have: readonly SenderMark[]; anyone: boolean }, archive: boolean): SyncAnswer | undefined {
    const { groupId, asker } = request;
    const read = this.ctx.store.read;
    const self = this.ctx.self().userId;
    const group = read.groups.get(groupId);
    if (group === undefined && !archive) return undefined;
    const everKnown = archive || read.groups.epochs(groupId).some((ep) => (read.groups.roster(groupId, ep.epoch) ?? []).some((m) => bytesEqual(m, asker)));
    if (!everKnown && read.groups.member(groupId, asker) === undefined) return undefined;
    const forEveryone = archive || request.anyone || (group !== undefined && bytesEqual(group.creator, self));
    const have = new Map(request.have.map((m) => [toBase64Url(m.sender), m.seq]));
    const senders = read.log.cursors(groupId).filter((c) => forEveryone || bytesEqual(c.sender, self));
    const out: Uint8Array[] = [];
    const skipTo: SenderMark[] = [];
    let bytes = 0;
    let more = false;
    let tooLarge = 0;
    const readable = (entry: ChannelLogEntry): boolean =>
      entry.type !== 'CANCELLED' && (archive || entry.type === 'GROUP_UPDATE' || (read.groups.roster(groupId, entry.epoch) ?? []).some((m) => bytesEqual(m, asker)));
    outer: for (const c of senders) {
      let after = have.get(toBase64Url(c.sender)) ?? 0;
      // The run of envelopes right after the asker's mark that it may not read.
      let leading = true;
      let skip = after;
      while (after < c.highest) {
        const batch = read.log.range(groupId, c.sender, after, c.highest, 128);
        if (batch.length === 0) break;
        for (const entry of batch) {
          after = entry.seq;
          // An envelope that alone exceeds a reply can never be served: were it cut off as `more`, every
          // reply would stop at it and the asker's catch-up would stall there for good. No client builds
          // one (its content is far smaller); a member padding its content can. It is skipped like one
          // the asker may not read, so the asker's cursor moves past it.
          const oversized = entry.bytes.byteLength > REPLY_MAX_BYTES;
          if (oversized) tooLarge += 1;
          if (oversized || !readable(entry)) {
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
    for (let i = 0; i < tooLarge; i += 1) this.refused('sync-envelope-too-large', groupId);
    const marks: SenderMark[] = read.log.cursors(groupId).map((c) => ({ sender: c.sender, seq: c.highest }));
    if (out.length === 0 && skipTo.length === 0 && marks.every((m) => (have.get(toBase64Url(m.sender)) ?? 0) >= m.seq)) return undefined;
    return { envelopes: out, marks, more, skipTo };
  }

  acceptSyncMarks(reply: { groupId: Uint8Array; from: Uint8Array; marks: readonly SenderMark[]; skipTo: readonly SenderMark[] }): void {
    const { groupId, from } = reply;
    const write = this.ctx.store.write.log;
    // Marks and skips only from the sender itself or the admin, and only about people in the group's
    // signed rosters: anyone else could make us keep cursor rows without end, ask again and again for
    // what does not exist, or hide messages from us.
    const creator = this.ctx.store.read.groups.get(groupId)?.creator;
    const byAdmin = creator !== undefined && bytesEqual(from, creator);
    const members = knownMembers(this.ctx, groupId);
    const allowed = (m: SenderMark): boolean => (byAdmin || bytesEqual(m.sender, from)) && members.has(toBase64Url(m.sender));
    for (const m of reply.marks) if (allowed(m)) write.noteHighest(groupId, m.sender, m.seq);
    for (const m of reply.skipTo) if (allowed(m)) write.startCursor(groupId, m.sender, m.seq + 1);
  }

  knowsMember(groupId: Uint8Array, userId: Uint8Array): boolean {
    return this.ctx.store.read.groups.member(groupId, userId) !== undefined || knownMembers(this.ctx, groupId).has(toBase64Url(userId));
  }

  replyName(groupId: Uint8Array, userId: Uint8Array): string | undefined {
    const name = this.ctx.store.read.groups.member(groupId, userId)?.slimName;
    return name !== undefined && name !== '' ? name : this.slimNameOf(userId);
  }

  refused(reason: string, groupId?: Uint8Array): void {
    this.ctx.store.write.log.countDrop(reason);
    this.ctx.events.emit('dropped', { reason, ...(groupId === undefined ? {} : { groupId: toBase64Url(groupId) }) });
  }

  archive(v: VerifiedEnvelope): void {
    const e = v.envelope;
    if (!SEQUENCED_TYPES.has(e.type)) return;
    const ctx = this.ctx;
    ctx.store.transaction(() =>
      ctx.store.write.log.append({ groupId: e.groupId, sender: e.sender, seq: e.seq, epoch: e.epoch, type: e.type, envelopeId: v.id, bytes: v.bytes, receivedAt: ctx.now() }),
    );
  }

  slimNameOf(userId: Uint8Array): string | undefined {
    return this.ctx.store.read.people.get(userId)?.slimName;
  }
}

/** Everyone in any of the group's signed rosters (base64url ids). */
function knownMembers(ctx: EngineContext, groupId: Uint8Array): Set<string> {
  const read = ctx.store.read.groups;
  const out = new Set<string>();
  for (const ep of read.epochs(groupId)) for (const m of read.roster(groupId, ep.epoch) ?? []) out.add(toBase64Url(m));
  return out;
}
