import { bytesEqual, toBase64Url } from '../../encoding/base64url.js';
import type { EngineContext } from '../../kernel/engine-context.js';
import { openBody } from '../../encryption/content-crypto.js';
import { requestMissingSecret } from '../../encryption/secret-handshake.js';
import { emitGroupSoon } from '../../groups/group-views.js';
import { mediaKind, ctxDeps } from '../../messages/message-send.js';
import { messageView } from '../../messages/message-views.js';
import type { GroupRow } from '../../store/tables/groups-table.js';
import type { MessageRow } from '../../store/tables/messages-table.js';
import { decodeWire } from '../../wire/wire-codec.js';
import { contentSchema, type Content, type Envelope } from '../../wire/wire-schemas.js';
import { checkSenderAtEpoch } from '../membership-check.js';
import { defer, done, drop, type Handler, type Verdict } from '../verdict.js';
import { updateOwnSendState } from '../send-state-tracker.js';

/** Messages further ahead than this (per sender) wait; well under MLS's forward ratchet limit. */
const MLS_AHEAD_LIMIT = 1024;

/**
 * MESSAGE: a member's encrypted content. Checked (group, state, epoch roster), decrypted in the
 * group's mode, then stored according to its kind. The sender is then known to have joined.
 */
export const handleMessage: Handler = async (ctx, v) => {
  const e = v.envelope;
  const group = ctx.store.read.groups.get(e.groupId);
  if (group === undefined) return drop('unknown-group');
  if (group.myState === 'invited' || group.myState === 'joining') return defer('not-joined');
  if (group.myState === 'declined') return drop('not-joined');
  if (group.myState === 'closed' && closedBefore(ctx, group, e)) return drop('group-closed');
  const bad = checkSenderAtEpoch(ctx, group, e);
  if (bad !== undefined) return bad;
  // A sender's message far ahead of what we hold from them (it overtook a catch-up in progress):
  // MLS cannot ratchet that far forward, so it waits until the ones before it are in.
  if (group.mode === 'mls' && e.seq > (ctx.store.read.log.cursor(e.groupId, e.sender)?.contiguous ?? 0) + MLS_AHEAD_LIMIT) return defer('far-ahead');
  // Only MLS authenticates a message by itself (openBody checks the MLS sender and our header).
  if (!v.signatureChecked && group.mode !== 'mls') return drop('envelope-bad-signature');
  // Decrypted before, then held back (its content had to wait): use that, MLS keys are single-use.
  const label = `held:${toBase64Url(v.id)}`;
  const heldSealed = v.deferredBefore === true ? ctx.store.read.log.heldPlaintext(v.id) : undefined;
  let plaintext: Uint8Array;
  let persist: () => void = () => undefined;
  if (heldSealed !== undefined) plaintext = ctx.store.cipher.open(label, heldSealed);
  else {
    const opened = await openBody(ctxDeps(ctx), group, e);
    if (opened.kind === 'defer') {
      return opened.reason === 'secret-missing' ? defer(opened.reason, () => requestMissingSecret(ctx, e.groupId, e.epoch)) : defer(opened.reason);
    }
    if (opened.kind === 'drop') return drop(opened.reason);
    plaintext = opened.plaintext;
    persist = opened.persist;
  }
  let content: Content;
  try {
    content = decodeWire('Content', contentSchema, plaintext);
  } catch {
    return drop('content-malformed');
  }
  const verdict = applyContent(ctx, e, v.id, content);
  if (verdict.outcome === 'defer') {
    return {
      ...verdict,
      write: () => {
        persist();
        if (heldSealed === undefined) ctx.store.write.log.holdPlaintext(v.id, e.groupId, ctx.store.cipher.seal(label, plaintext), ctx.now());
      },
    };
  }
  if (verdict.outcome !== 'done') return verdict;
  return done(
    () => {
      persist();
      if (heldSealed !== undefined) ctx.store.write.log.releasePlaintext(v.id);
      markJoined(ctx, group.latestVersion, e.groupId, e.sender);
      verdict.write?.();
    },
    verdict.after,
    verdict.wake,
  );
};

const knownJoined = new WeakMap<EngineContext, Set<string>>();

/** A member who sends is in: recorded once per (group version, member), not once per message. */
function markJoined(ctx: EngineContext, version: number, groupId: Uint8Array, member: Uint8Array): void {
  let seen = knownJoined.get(ctx);
  if (seen === undefined) {
    seen = new Set();
    knownJoined.set(ctx, seen);
  }
  const key = `${toBase64Url(groupId)}|${version}|${toBase64Url(member)}`;
  if (seen.has(key)) return;
  ctx.store.write.groups.setMemberStatus(groupId, member, 'joined');
  seen.add(key);
}

/** Whether the message was sent after the version that closed the group (the latest one). */
function closedBefore(ctx: EngineContext, group: GroupRow, e: Envelope): boolean {
  const closing = ctx.store.read.groups.version(e.groupId, group.latestVersion);
  return closing !== undefined && e.sentAt > closing.createdAt;
}

function baseRow(e: Envelope, id: Uint8Array, now: number): Pick<MessageRow, 'id' | 'groupId' | 'sender' | 'seq' | 'epoch' | 'sentAt' | 'receivedAt' | 'sendState'> {
  return { id, groupId: e.groupId, sender: e.sender, seq: e.seq, epoch: e.epoch, sentAt: e.sentAt, receivedAt: now, sendState: 'received' };
}

function replyOf(c: Content): Uint8Array | null {
  return c.replyTo.byteLength === 32 ? c.replyTo : null;
}

function applyContent(ctx: EngineContext, e: Envelope, id: Uint8Array, c: Content): Verdict {
  const now = ctx.now();
  const groupKey = toBase64Url(e.groupId);
  switch (c.kind) {
    case 'text': {
      const row: MessageRow = { ...baseRow(e, id, now), kind: 'text', body: c.text?.text ?? '', replyTo: replyOf(c), fileName: null, fileSize: null, fileMime: null, fileHash: null };
      return storeShown(ctx, row);
    }
    case 'file': {
      const f = c.file;
      if (f === undefined || f.chunkCount !== Math.ceil(f.size / f.chunkSize)) return drop('content-malformed');
      const row: MessageRow = { ...baseRow(e, id, now), kind: mediaKind(f.mime), body: f.caption, replyTo: replyOf(c), fileName: f.name, fileSize: f.size, fileMime: f.mime, fileHash: f.hash };
      const shown = storeShown(ctx, row);
      return done(
        () => {
          shown.outcome === 'done' && shown.write?.();
          ctx.store.write.files.ensure(f.hash, f.size, f.chunkCount);
          if (f.chunkCount === 0) ctx.store.write.files.markComplete(f.hash);
        },
        shown.outcome === 'done' ? shown.after : undefined,
        true, // chunks that arrived before the offer can be stored now
      );
    }
    case 'fileChunk': {
      const ch = c.fileChunk;
      if (ch === undefined) return drop('content-malformed');
      const offer = ctx.store.read.messages.byFileHash(e.groupId, ch.fileHash);
      const file = ctx.store.read.files.get(ch.fileHash);
      if (offer === undefined || file === undefined) return defer('file-offer-missing');
      if (ch.index >= file.chunkCount) return drop('content-malformed');
      // The chunk goes to disk first (idempotent: same bytes, same place); the row records it.
      ctx.files.writeChunk(ch.fileHash, ch.index, ch.data);
      let progress = { have: file.chunksHave, total: file.chunkCount, complete: file.complete === 1 };
      return done(
        () => {
          const after = ctx.store.write.files.markChunk(ch.fileHash, ch.index);
          if (after === undefined) return;
          let complete = after.complete === 1;
          if (!complete && after.chunksHave === after.chunkCount && ctx.files.verify(ch.fileHash, after.chunkCount, after.size)) {
            ctx.store.write.files.markComplete(ch.fileHash);
            complete = true;
          }
          progress = { have: after.chunksHave, total: after.chunkCount, complete };
        },
        () => ctx.events.emit('file', { groupId: groupKey, hash: toBase64Url(ch.fileHash), ...progress }),
      );
    }
    case 'receipt': {
      const r = c.receipt;
      if (r === undefined) return drop('content-malformed');
      const fresh: Uint8Array[] = [];
      return done(
        () => {
          for (const mid of r.messageIds) {
            const m = ctx.store.read.messages.get(mid);
            if (m === undefined || !bytesEqual(m.groupId, e.groupId)) continue;
            if (ctx.store.write.messages.addReceipt(mid, e.sender, r.readAt)) fresh.push(mid);
            ctx.store.write.messages.addDelivery(mid, e.sender, r.readAt);
          }
        },
        () => {
          for (const mid of fresh) {
            ctx.events.emit('receipt', { groupId: groupKey, messageId: toBase64Url(mid), reader: toBase64Url(e.sender), readAt: r.readAt });
            updateOwnSendState(ctx, mid);
          }
        },
      );
    }
    case 'pin':
    case 'unpin': {
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
          if (changed) ctx.events.emit('pin', { groupId: groupKey, messageId: toBase64Url(target), pinned: c.kind === 'pin', by: toBase64Url(e.sender), at: e.sentAt });
        },
      );
    }
    case 'typing':
      return drop('content-malformed');
  }
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
      emitGroupSoon(ctx, row.groupId);
    },
    true, // pins or receipts waiting for this message can apply now
  );
}
