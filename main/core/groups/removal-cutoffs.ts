import { bytesEqual } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { SenderMark } from '../wire/wire-schemas.js';

/**
 * The cutoff the admin signs for someone whose envelopes the group stops taking (removed, left,
 * declined, or everyone when the group closes): the last sequence number of the run of that member's
 * envelopes the admin itself holds without a gap, each one verified when it came in. Never a
 * high-water mark someone claimed (heartbeats, sync replies): one forged mark would let a removed
 * member keep posting into old epochs. A member leaving on its own may name its own last envelope
 * (its signed LEAVE's sequence number): it only speaks for itself.
 */
export function verifiedCutoff(ctx: EngineContext, groupId: Uint8Array, member: Uint8Array, ownClaim = 0): number {
  if (bytesEqual(member, ctx.self().userId)) return ctx.store.read.log.nextOwnSeq(groupId) - 1;
  const cursor = ctx.store.read.log.cursor(groupId, member);
  // `contiguous` counts from the cursor's first sequence number: a run the admin holds, every entry verified.
  return Math.max(cursor?.contiguous ?? 0, ownClaim);
}

export function verifiedCutoffs(ctx: EngineContext, groupId: Uint8Array, members: readonly Uint8Array[], claims: readonly SenderMark[] = []): SenderMark[] {
  return members.map((sender) => ({ sender, seq: verifiedCutoff(ctx, groupId, sender, claims.find((c) => bytesEqual(c.sender, sender))?.seq ?? 0) }));
}
