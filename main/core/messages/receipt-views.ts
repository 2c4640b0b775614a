import type { GoneRecipientView, ReadersView, ReceiptView } from '../../../shared/domain/views.js';
import { toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { memberName } from '../groups/member-names.js';

/**
 * Who read one of our messages, and who it was for but is no longer in the group (the read-by
 * popover): a member who left or was removed is shown as such, never silently dropped from the list.
 */
export function receiptViews(ctx: EngineContext, messageId: Uint8Array): ReceiptView[] {
  const groupId = ctx.store.read.messages.get(messageId)?.groupId;
  const current = groupId === undefined ? undefined : memberKeys(ctx, groupId);
  return ctx.store.read.messages.receipts(messageId).map((r) => ({
    reader: toBase64Url(r.reader),
    readerName: nameOf(ctx, groupId, r.reader),
    readAt: r.readAt,
    ...(current !== undefined && !current.has(toBase64Url(r.reader)) ? { removed: true as const } : {}),
  }));
}

/** The readers, and the members it was for (they acked it, or were gone before they had it) who are gone now without reading it. */
export function readersView(ctx: EngineContext, messageId: Uint8Array): ReadersView {
  const receipts = receiptViews(ctx, messageId);
  const m = ctx.store.read.messages.get(messageId);
  if (m === undefined) return { receipts, gone: [] };
  const current = memberKeys(ctx, m.groupId);
  const self = toBase64Url(ctx.self().userId);
  const read = new Set(receipts.map((r) => r.reader));
  const gone = new Map<string, GoneRecipientView>();
  const candidates = [
    ...ctx.store.read.messages.deliveries(messageId).map((d) => ({ userId: d.member, received: true })),
    ...ctx.store.read.deliveryFailures.forMessage(messageId).map((f) => ({ userId: f.member, received: false })),
  ];
  for (const c of candidates) {
    const id = toBase64Url(c.userId);
    if (id === self || current.has(id) || read.has(id) || gone.has(id)) continue;
    gone.set(id, { userId: id, name: nameOf(ctx, m.groupId, c.userId), received: c.received });
  }
  return { receipts, gone: [...gone.values()] };
}

function memberKeys(ctx: EngineContext, groupId: Uint8Array): Set<string> {
  return new Set(ctx.store.read.groups.members(groupId).map((x) => toBase64Url(x.userId)));
}

function nameOf(ctx: EngineContext, groupId: Uint8Array | undefined, userId: Uint8Array): string {
  return (groupId === undefined ? undefined : memberName(ctx, groupId, userId)) ?? ctx.store.read.people.get(userId)?.displayName ?? '';
}
