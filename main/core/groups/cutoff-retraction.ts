import { bytesEqual } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { SenderMark } from '../wire/wire-schemas.js';

/**
 * A version with cutoffs (removal, leave, decline, close) says, for each sender it names, the last
 * envelope the group takes (removal-cutoffs.ts). A member may already hold some of that sender's
 * later ones: they reached it before the version did (a burst racing its sender's removal). Kept,
 * members would disagree about the conversation (the admin refused them, and so does every member
 * that got the version first) and their sender would be told they were refused; so every member
 * lets them go: messages and log entries past the cutoff are removed, and the sender's cursor stops
 * at it (nothing past it is missing). Our own messages stay: undeliverable.ts marks them refused.
 * Runs inside the transaction that applies the version. How many messages went.
 */
export function retractPastCutoffs(ctx: EngineContext, groupId: Uint8Array, cutoffs: readonly SenderMark[]): number {
  const self = ctx.self().userId;
  let retracted = 0;
  for (const c of cutoffs) {
    if (bytesEqual(c.sender, self)) continue;
    ctx.store.write.log.cutAfter(groupId, c.sender, c.seq);
    retracted += ctx.store.write.messages.retractAfter(groupId, c.sender, c.seq);
  }
  // Some of them may have been unread: the chat list's count (sent with the version's group view) follows.
  if (retracted > 0) ctx.store.write.groups.recountUnread(groupId);
  return retracted;
}
