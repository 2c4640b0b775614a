import type { RetractedSender, RetractionReason } from '../../../shared/domain/core-events.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { SenderMark, VersionKind } from '../wire/wire-schemas.js';
import { memberName } from './member-names.js';

/** What one sender lost to its cutoff, as the announcement names it. */
interface SenderRetraction {
  sender: Uint8Array;
  cutoff: number;
  ids: Uint8Array[];
}

/**
 * A version with cutoffs (removal, leave, decline, close) says, for each sender it names, the last
 * envelope the group takes (removal-cutoffs.ts). A member may already hold some of that sender's
 * later ones: they reached it before the version did (a burst racing its sender's removal). Kept,
 * members would disagree about the conversation (the admin refused them, and so does every member
 * that got the version first) and their sender would be told they were refused; so every member
 * lets them go: messages and log entries past the cutoff are removed, and the sender's cursor stops
 * at it (nothing past it is missing). Our own messages stay: undeliverable.ts marks them refused.
 * Runs inside the transaction that applies the version; the UIs hear `messages-retracted` once it
 * is committed. How many messages went.
 */
export function retractPastCutoffs(ctx: EngineContext, groupId: Uint8Array, kind: VersionKind, cutoffs: readonly SenderMark[]): number {
  const self = ctx.self().userId;
  const retracted: SenderRetraction[] = [];
  for (const c of cutoffs) {
    if (bytesEqual(c.sender, self)) continue;
    ctx.store.write.log.cutAfter(groupId, c.sender, c.seq);
    const ids = ctx.store.write.messages.retractAfter(groupId, c.sender, c.seq);
    if (ids.length > 0) retracted.push({ sender: c.sender, cutoff: c.seq, ids });
  }
  if (retracted.length === 0) return 0;
  // The chat list (sent with the version's group view) follows: some may have been unread, one the last message.
  ctx.store.write.groups.recountUnread(groupId);
  ctx.store.write.groups.repointLastMessage(groupId);
  announceRetraction(ctx, groupId, reasonOf(kind), retracted);
  return retracted.reduce((n, r) => n + r.ids.length, 0);
}

/** Only these kinds carry cutoffs (group-validation.ts refuses cutoffs on any other). */
function reasonOf(kind: VersionKind): RetractionReason {
  switch (kind) {
    case 'MEMBER_LEFT':
      return 'left';
    case 'MEMBER_DECLINED':
      return 'declined';
    case 'CLOSE':
      return 'closed';
    default:
      return 'removed';
  }
}

/**
 * Tells the UIs on the next turn, once the transaction is over, naming only the messages that are
 * really gone: a rolled-back version leaves them in the store, and then nothing is announced.
 */
function announceRetraction(ctx: EngineContext, groupId: Uint8Array, reason: RetractionReason, retracted: readonly SenderRetraction[]): void {
  setImmediate(() => {
    try {
      const messageIds: string[] = [];
      const senders: RetractedSender[] = [];
      for (const r of retracted) {
        const gone = r.ids.filter((id) => ctx.store.read.messages.get(id) === undefined).map(toBase64Url);
        if (gone.length === 0) continue;
        messageIds.push(...gone);
        senders.push({ userId: toBase64Url(r.sender), name: memberName(ctx, groupId, r.sender) ?? '', count: gone.length, cutoff: r.cutoff });
      }
      if (messageIds.length > 0) ctx.events.emit('messages-retracted', { groupId: toBase64Url(groupId), messageIds, senders, reason });
    } catch {
      // the engine closed meanwhile
    }
  });
}
