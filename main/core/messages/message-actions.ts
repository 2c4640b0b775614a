import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { groupChannelName } from '../kernel/channel-names.js';
import { announceOutbox } from '../kernel/outbox-writer.js';
import { buildEnvelope } from '../envelopes/envelope-builder.js';
import { sealBody } from '../encryption/content-crypto.js';
import { emitActivity } from '../groups/group-views.js';
import { encodeWire } from '../wire/wire-codec.js';
import { ctxDeps, requireJoined, requireMessageIn, sendControl } from './message-send.js';
import { messageView } from './message-views.js';

/**
 * Read receipts, pins, typing, and the user's retry/cancel of a send. Receipts and pins travel as
 * sequenced, encrypted contents; typing is ephemeral (published at once, never stored or retried).
 */
const RECEIPT_BATCH = 1000;

/**
 * Marks received messages read, one by one, and tells their senders: exactly `messageIds` when given
 * (what the user saw), else every unread one sent at most at `upTo` (default: all of them). A message
 * that arrived late with an older send time stays unread until it is itself read. The receipts are
 * queued before the marks are written, so a crash in between re-sends them (receipts are
 * idempotent) rather than leaving a read message whose sender is never told. Emits
 * `messages-read` with the ones it marked. Returns how many messages this read.
 */
export async function markRead(ctx: EngineContext, groupId: Uint8Array, upTo?: number, messageIds?: readonly Uint8Array[]): Promise<number> {
  requireJoined(ctx, groupId);
  const read = ctx.store.read.messages;
  const unread =
    messageIds === undefined
      ? read.unreadUpTo(groupId, upTo ?? Number.MAX_SAFE_INTEGER, 100_000).map((m) => m.id)
      : unreadAmong(ctx, groupId, uniqueIds(messageIds));
  const readAt = ctx.now();
  const marked: Uint8Array[] = [];
  for (let i = 0; i < unread.length; i += RECEIPT_BATCH) {
    const ids = unread.slice(i, i + RECEIPT_BATCH);
    await sendControl(ctx, groupId, { receipt: { messageIds: ids, readAt } });
    marked.push(
      ...ctx.store.transaction(() => {
        const now = ids.filter((id) => ctx.store.write.messages.markRead(id, readAt));
        ctx.store.write.groups.recountUnread(groupId);
        return now;
      }),
    );
  }
  // Which ones, not just how many: a chat read in part has notifications to close and others to keep.
  if (marked.length > 0) ctx.events.emit('messages-read', { groupId: toBase64Url(groupId), messageIds: marked.map(toBase64Url) });
  // Reading moves the unread count alone: with the chat open, every message that arrives is read at once, and a
  // whole view (every member) for each would cost a big group what group-activity saves it on arrival.
  emitActivity(ctx, groupId);
  return marked.length;
}

/**
 * Which of `ids` are unread. The open chat names every message its window shows (~150) on each read,
 * while few of the group's messages are unread: one read of those through the unread index
 * (migration 0011) instead of a lookup per id, which took ~5 % of the host's thread in the renderer
 * bench at 1,000 msg/s (issue 13). With more unread than a few times the ids named, a lookup per id,
 * so the work stays bounded by what the caller named.
 */
function unreadAmong(ctx: EngineContext, groupId: Uint8Array, ids: Uint8Array[]): Uint8Array[] {
  const read = ctx.store.read.messages;
  const limit = 4 * ids.length + 64;
  const unread = read.unreadIds(groupId, limit);
  if (unread.length >= limit) return ids.filter((id) => read.isUnread(groupId, id));
  const keys = new Set(unread.map(toBase64Url));
  return ids.filter((id) => keys.has(toBase64Url(id)));
}

function uniqueIds(ids: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = toBase64Url(id);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function pinMessage(ctx: EngineContext, groupId: Uint8Array, messageId: Uint8Array): Promise<void> {
  requireJoined(ctx, groupId);
  requireMessageIn(ctx, groupId, messageId);
  if (ctx.store.read.messages.isPinned(groupId, messageId)) return;
  const by = ctx.self().userId;
  const at = ctx.now();
  await sendControl(ctx, groupId, { pin: { messageId } });
  if (ctx.store.write.messages.pin(groupId, messageId, by, at)) {
    ctx.events.emit('pin', { groupId: toBase64Url(groupId), messageId: toBase64Url(messageId), pinned: true, by: toBase64Url(by), at });
  }
}

export async function unpinMessage(ctx: EngineContext, groupId: Uint8Array, messageId: Uint8Array): Promise<void> {
  requireJoined(ctx, groupId);
  requireMessageIn(ctx, groupId, messageId);
  if (!ctx.store.read.messages.isPinned(groupId, messageId)) return;
  const by = ctx.self().userId;
  await sendControl(ctx, groupId, { unpin: { messageId } });
  if (ctx.store.write.messages.unpin(groupId, messageId)) {
    ctx.events.emit('pin', { groupId: toBase64Url(groupId), messageId: toBase64Url(messageId), pinned: false, by: toBase64Url(by), at: ctx.now() });
  }
}

export function listPins(ctx: EngineContext, groupId: Uint8Array) {
  return ctx.store.read.messages.pins(groupId);
}

/** Typing indicator: an unsequenced, encrypted TYPING envelope handed to the host to publish now. */
export async function sendTyping(ctx: EngineContext, groupId: Uint8Array, typing: boolean): Promise<void> {
  await ctx.groupLocks.run(toBase64Url(groupId), async () => {
    const group = requireJoined(ctx, groupId);
    const sentAt = ctx.now();
    const sealed = await sealBody(ctxDeps(ctx), group, 'TYPING', 0, sentAt, encodeWire('Content', { typing: { typing } }));
    sealed.persist();
    const built = buildEnvelope(ctx.self(), { groupId, epoch: sealed.epoch, type: 'TYPING', seq: 0, sentAt, body: sealed.body });
    ctx.events.emit('ephemeral', { groupId: toBase64Url(groupId), slimName: groupChannelName(groupId), bytes: built.bytes });
  });
}

/** The user's manual retry of a failed message: failed -> pending, its jobs due now. */
export function retrySend(ctx: EngineContext, messageId: Uint8Array): void {
  const m = ctx.store.read.messages.get(messageId);
  if (m === undefined) throw new KizunaError('MESSAGE_NOT_FOUND');
  // A failure no retry can mend says so by its code (the UI shows no Retry for it).
  const failure = m.sendState === 'failed' ? messageView(ctx, m).failure : undefined;
  if (failure?.retryable === false) {
    const details = { messageId: toBase64Url(messageId), reason: failure.reason };
    if (failure.reason === 'refused') throw new KizunaError('SEND_REFUSED', undefined, details);
    throw new KizunaError('SEND_NOT_RETRYABLE', 'Nobody else is left in the group to send it to.', details);
  }
  const ok = ctx.store.transaction(() => {
    if (!ctx.store.write.messages.retry(messageId)) return false;
    ctx.store.write.queue.requeueOutboxForMessage(messageId, ctx.now());
    ctx.store.write.log.setCancelled(messageId, false);
    return true;
  });
  if (!ok) throw new KizunaError('SEND_NOT_RETRYABLE');
  ctx.events.emit('send-state', { groupId: toBase64Url(m.groupId), messageId: toBase64Url(messageId), state: 'pending' });
  announceOutbox(ctx, m.groupId);
}

/** The user gives up on a pending message: its jobs stop and it shows as failed. */
export function cancelSend(ctx: EngineContext, messageId: Uint8Array): void {
  const m = ctx.store.read.messages.get(messageId);
  if (m === undefined) throw new KizunaError('MESSAGE_NOT_FOUND');
  const ok = ctx.store.transaction(() => {
    if (!ctx.store.write.messages.advanceSendState(messageId, 'failed')) return false;
    ctx.store.write.queue.cancelOutboxForMessage(messageId);
    // Its sequence number is used: catch-up tells members to skip it rather than serving it.
    ctx.store.write.log.setCancelled(messageId, true);
    return true;
  });
  if (!ok) throw new KizunaError('SEND_NOT_CANCELLABLE');
  ctx.events.emit('send-state', { groupId: toBase64Url(m.groupId), messageId: toBase64Url(messageId), state: 'failed' });
}
