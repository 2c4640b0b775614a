import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { SendState } from '../store/tables/messages-table.js';
import { joinedOthers, ownSendTarget } from '../groups/send-targets.js';

/**
 * Moves one of our messages forward once everyone else in the group has it (delivered) or has read
 * it (read). States only move forward; the store refuses anything else.
 */
export function updateOwnSendState(ctx: EngineContext, messageId: Uint8Array): void {
  const self = ctx.self();
  const m = ctx.store.read.messages.get(messageId);
  if (m === undefined || !bytesEqual(m.sender, self.userId)) return;
  const next: Exclude<SendState, 'received'> | undefined = ownSendTarget(ctx, messageId, joinedOthers(ctx, m.groupId));
  if (next !== undefined && ctx.store.write.messages.advanceSendState(messageId, next)) {
    ctx.events.emit('send-state', { groupId: toBase64Url(m.groupId), messageId: toBase64Url(messageId), state: next });
  }
}
