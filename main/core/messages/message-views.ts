import type { MessageView } from '../../../shared/domain/views.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import { deliveryFailure, undeliverableFailure } from '../kernel/delivery-failure.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { MessageRow } from '../store/tables/messages-table.js';
import { memberName } from '../groups/member-names.js';
import { joinedOthers } from '../groups/send-targets.js';

/**
 * The view of a stored message. `fresh` says it was stored a moment ago: nothing can be pinned or
 * read yet (pins and receipts of a message wait until it exists), so those lookups are skipped.
 */
export function messageView(ctx: EngineContext, m: MessageRow, fresh = false): MessageView {
  const self = ctx.self();
  const file =
    m.fileHash === null
      ? null
      : {
          name: m.fileName ?? '',
          size: m.fileSize ?? 0,
          mime: m.fileMime ?? '',
          hash: toBase64Url(m.fileHash),
          available: ctx.store.read.files.get(m.fileHash)?.complete === 1,
        };
  const isMine = bytesEqual(m.sender, self.userId);
  // Refused by everyone, then retries run out (only while short of 'delivered'), then members gone before they had it.
  const gone = !fresh && isMine ? ctx.store.read.deliveryFailures.forMessage(m.id) : [];
  // Failed for 'removed' happens only when nobody else is left (departure-recheck.ts): nothing to retry.
  const stored = undeliverableFailure(gone, m.sendState === 'failed' && gone.length > 0 && joinedOthers(ctx, m.groupId).length === 0);
  let exhausted = !fresh && isMine && m.sendState === 'sent' && stored?.reason !== 'refused' ? deliveryFailure(ctx.store.read.queue.outboxByMessage(m.id)) : null;
  // Everyone the retries missed has since left or been removed: that is the reason to show.
  if (exhausted !== null && stored !== null && exhausted.missing.every((id) => stored.missing.includes(id))) exhausted = null;
  const failure = exhausted ?? stored;
  return {
    id: toBase64Url(m.id),
    groupId: toBase64Url(m.groupId),
    sender: toBase64Url(m.sender),
    senderName: memberName(ctx, m.groupId, m.sender) ?? '',
    isMine,
    seq: m.seq,
    epoch: m.epoch,
    sentAt: m.sentAt,
    receivedAt: m.receivedAt,
    kind: m.kind,
    text: m.body,
    replyTo: m.replyTo === null ? null : toBase64Url(m.replyTo),
    file,
    sendState: m.sendState,
    pinned: fresh ? false : ctx.store.read.messages.isPinned(m.groupId, m.id),
    readBy: fresh ? 0 : ctx.store.read.messages.receipts(m.id).length,
    ...(failure === null ? {} : { failure }),
  };
}
