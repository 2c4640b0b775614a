import { bytesEqual } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { GroupMemberRow } from '../store/tables/groups-table.js';

/*
 * Who one of our messages has to reach, and what their acks and receipts make of it: shared by the
 * ack path (ingest/send-state-tracker.ts), the outbox and the re-measure after a departure.
 */

/** The group's members other than us who joined: who never joined (an invitation not yet accepted) cannot receive anything. */
export function joinedOthers(ctx: EngineContext, groupId: Uint8Array): GroupMemberRow[] {
  const self = ctx.self().userId;
  return ctx.store.read.groups.members(groupId).filter((x) => x.status === 'joined' && !bytesEqual(x.userId, self));
}

/** Whether every one of `members` is among `userIds` (acks or receipts). */
export function allAmong(members: readonly GroupMemberRow[], userIds: readonly Uint8Array[]): boolean {
  return members.every((m) => userIds.some((id) => bytesEqual(id, m.userId)));
}

/**
 * What everyone in `others` holding or reading one of our messages makes of it: 'read' when all read
 * it, 'delivered' when all acked it, undefined otherwise (or when there is nobody to ask).
 * `deliveredTo` lets a caller that already read who acked it pass that on.
 */
export function ownSendTarget(
  ctx: EngineContext,
  messageId: Uint8Array,
  others: readonly GroupMemberRow[],
  deliveredTo: () => readonly Uint8Array[] = () => ctx.store.read.messages.deliveries(messageId).map((d) => d.member),
): 'read' | 'delivered' | undefined {
  if (others.length === 0) return undefined;
  if (allAmong(others, ctx.store.read.messages.receipts(messageId).map((r) => r.reader))) return 'read';
  if (allAmong(others, deliveredTo())) return 'delivered';
  return undefined;
}
