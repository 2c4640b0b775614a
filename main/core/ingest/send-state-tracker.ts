import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../engine/engine-context.js';
import type { SendState } from '../store/tables/messages-table.js';

/**
 * Moves one of our messages forward once everyone else in the group has it (delivered) or has read
 * it (read). States only move forward; the store refuses anything else.
 */
export function updateOwnSendState(ctx: EngineContext, messageId: Uint8Array): void {
  const self = ctx.self();
  const m = ctx.store.read.messages.get(messageId);
  if (m === undefined || !bytesEqual(m.sender, self.userId)) return;
  // Members who never joined (an invitation not yet accepted) cannot receive anything: not counted.
  const others = ctx.store.read.groups.members(m.groupId).filter((x) => x.status === 'joined' && !bytesEqual(x.userId, self.userId));
  if (others.length === 0) return;
  const has = (list: { id: Uint8Array }[]): boolean => others.every((o) => list.some((x) => bytesEqual(x.id, o.userId)));
  let next: Exclude<SendState, 'received'> | undefined;
  if (has(ctx.store.read.messages.receipts(messageId).map((r) => ({ id: r.reader })))) next = 'read';
  else if (has(ctx.store.read.messages.deliveries(messageId).map((d) => ({ id: d.member })))) next = 'delivered';
  if (next !== undefined && ctx.store.write.messages.advanceSendState(messageId, next)) {
    ctx.events.emit('send-state', { groupId: toBase64Url(m.groupId), messageId: toBase64Url(messageId), state: next });
  }
}
