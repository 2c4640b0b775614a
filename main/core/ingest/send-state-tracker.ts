import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { SendState } from '../store/tables/messages-table.js';
import type { GroupMemberRow } from '../store/tables/groups-table.js';
import { joinedOthers, ownSendTarget } from '../groups/send-targets.js';

/** What a caller already read (an ack: the roster and who acked), so it is not read again. */
export interface KnownSendFacts {
  /** The joined members other than us of a group. */
  others?: (groupId: Uint8Array) => readonly GroupMemberRow[];
  /** Who acked this message. */
  deliveredTo?: () => readonly Uint8Array[];
}

/**
 * Moves one of our messages forward once everyone else in the group has it (delivered) or has read
 * it (read). States only move forward; the store refuses anything else.
 */
export function updateOwnSendState(ctx: EngineContext, messageId: Uint8Array, known: KnownSendFacts = {}): void {
  const self = ctx.self();
  const m = ctx.store.read.messages.get(messageId);
  if (m === undefined || !bytesEqual(m.sender, self.userId)) return;
  const others = known.others?.(m.groupId) ?? joinedOthers(ctx, m.groupId);
  const next: Exclude<SendState, 'received'> | undefined = ownSendTarget(ctx, messageId, others, known.deliveredTo);
  if (next !== undefined && ctx.store.write.messages.advanceSendState(messageId, next)) {
    ctx.events.emit('send-state', { groupId: toBase64Url(m.groupId), messageId: toBase64Url(messageId), state: next });
  }
}
