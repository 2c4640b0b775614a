import { isShownFileType } from '../../../../shared/domain/file-types.js';
import { bytesEqual, toBase64Url } from '../../encoding/base64url.js';
import { emitActivitySoon } from '../../groups/group-views.js';
import type { EngineContext } from '../../kernel/engine-context.js';
import { isBlankText, mediaKind } from '../../messages/message-send.js';
import { messageView } from '../../messages/message-views.js';
import type { MessageRow } from '../../store/tables/messages-table.js';
import type { Content, Envelope } from '../../wire/wire-schemas.js';
import { updateOwnSendState } from '../send-state-tracker.js';
import { defer, done, drop, type Verdict } from '../verdict.js';
import { applyFileChunk, recordFileOffer, validFileOffer } from './file-effects.js';

/** What a decrypted content does, by kind: a shown message, a file's chunk, a receipt, a pin. */
export function applyContent(ctx: EngineContext, e: Envelope, id: Uint8Array, c: Content): Verdict {
  switch (c.kind) {
    case 'text':
      if (c.text === undefined) return drop('content-malformed');
      // Nothing to show (our own sender never sends it): refused, not shown as an empty bubble.
      if (isBlankText(c.text.text)) return drop('text-empty');
      return storeShown(ctx, { ...baseRow(ctx, e, id), kind: 'text', body: c.text.text, replyTo: replyOf(c), fileName: null, fileSize: null, fileMime: null, fileHash: null });
    case 'file':
      return applyFileOffer(ctx, e, id, c);
    case 'fileChunk':
      return applyFileChunk(ctx, e, c);
    case 'receipt':
      return applyReceipt(ctx, e, c);
    case 'pin':
    case 'unpin':
      return applyPin(ctx, e, c);
    case 'typing':
      return drop('content-malformed');
  }
}

function applyFileOffer(ctx: EngineContext, e: Envelope, id: Uint8Array, c: Content): Verdict {
  const f = c.file;
  if (f === undefined) return drop('content-malformed');
  if (!validFileOffer(f)) return drop('file-offer-invalid');
  if (!isShownFileType(f.mime)) return drop('file-mime-refused');
  const row: MessageRow = { ...baseRow(ctx, e, id), kind: mediaKind(f.mime), body: f.caption, replyTo: replyOf(c), fileName: f.name, fileSize: f.size, fileMime: f.mime, fileHash: f.hash };
  const shown = storeShown(ctx, row);
  return done(
    () => {
      shown.outcome === 'done' && shown.write?.();
      recordFileOffer(ctx, e, f);
    },
    shown.outcome === 'done' ? shown.after : undefined,
    true, // chunks that arrived before the offer can be stored now
  );
}

function applyReceipt(ctx: EngineContext, e: Envelope, c: Content): Verdict {
  const r = c.receipt;
  if (r === undefined) return drop('content-malformed');
  const fresh: Uint8Array[] = [];
  return done(
    () => {
      for (const named of r.messageIds) {
        // A copy we sent again for someone who joined later (issue 11) is read as the message it copies.
        const mid = ctx.store.read.messages.get(named) === undefined ? (ctx.store.read.directMerges.originalOf(named) ?? named) : named;
        const m = ctx.store.read.messages.get(mid);
        if (m === undefined || !bytesEqual(m.groupId, e.groupId)) continue;
        if (ctx.store.write.messages.addReceipt(mid, e.sender, r.readAt)) fresh.push(mid);
        ctx.store.write.messages.addDelivery(mid, e.sender, r.readAt);
      }
    },
    () => {
      for (const mid of fresh) {
        ctx.events.emit('receipt', { groupId: toBase64Url(e.groupId), messageId: toBase64Url(mid), reader: toBase64Url(e.sender), readAt: r.readAt });
        updateOwnSendState(ctx, mid);
      }
    },
  );
}

function applyPin(ctx: EngineContext, e: Envelope, c: Content): Verdict {
  const target = c.kind === 'pin' ? c.pin?.messageId : c.unpin?.messageId;
  if (target === undefined) return drop('content-malformed');
  const m = ctx.store.read.messages.get(target);
  if (m === undefined) return defer('pin-target-missing');
  if (!bytesEqual(m.groupId, e.groupId)) return drop('pin-other-group');
  let changed = false;
  return done(
    () => {
      changed = c.kind === 'pin' ? ctx.store.write.messages.pin(e.groupId, target, e.sender, e.sentAt) : ctx.store.write.messages.unpin(e.groupId, target);
    },
    () => {
      if (changed) ctx.events.emit('pin', { groupId: toBase64Url(e.groupId), messageId: toBase64Url(target), pinned: c.kind === 'pin', by: toBase64Url(e.sender), at: e.sentAt });
    },
  );
}

function baseRow(ctx: EngineContext, e: Envelope, id: Uint8Array): Pick<MessageRow, 'id' | 'groupId' | 'sender' | 'seq' | 'epoch' | 'sentAt' | 'receivedAt' | 'sendState'> {
  return { id, groupId: e.groupId, sender: e.sender, seq: e.seq, epoch: e.epoch, sentAt: e.sentAt, receivedAt: ctx.now(), sendState: 'received' };
}

function replyOf(c: Content): Uint8Array | null {
  return c.replyTo.byteLength === 32 ? c.replyTo : null;
}

function storeShown(ctx: EngineContext, row: MessageRow): Verdict {
  let inserted = false;
  return done(
    () => {
      inserted = ctx.store.write.messages.insert(row);
      if (inserted) ctx.store.write.groups.noteActivity(row.groupId, row.sentAt, row.id, 1);
    },
    () => {
      if (!inserted) return;
      ctx.events.emit('message', messageView(ctx, row, true));
      emitActivitySoon(ctx, row.groupId);
    },
    true, // pins or receipts waiting for this message can apply now
  );
}
