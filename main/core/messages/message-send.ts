import type { MessageView } from '../../../shared/domain/views.js';
import { hasControlCharacter } from '../../../shared/domain/control-characters.js';
import { fileTypeToSend } from '../../../shared/domain/file-types.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createBlake2b256 } from '../crypto/hash.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { announceOutbox } from '../kernel/outbox-writer.js';
import { writeSequencedEnvelope } from '../kernel/sequenced-send.js';
import { sealBody, type SealedBody } from '../encryption/content-crypto.js';
import { requireGroup } from '../groups/group-state.js';
import { emitActivitySoon } from '../groups/group-views.js';
import { failWhenNobodyLeft } from '../groups/nobody-left.js';
import type { GroupRow } from '../store/tables/groups-table.js';
import type { MessageKind, MessageRow } from '../store/tables/messages-table.js';
import { encodeWire } from '../wire/wire-codec.js';
import { FILE_CHUNK_BYTES, MAX_FILE_BYTES, MAX_TEXT_CHARS } from '../wire/wire-schemas.js';
import { messageView } from './message-views.js';

/** What goes inside an encrypted MESSAGE body (kizuna.v1.Content). */
export type ContentInput =
  | { text: { text: string }; replyTo?: Uint8Array }
  | { file: { name: string; size: number; mime: string; hash: Uint8Array; chunkCount: number; chunkSize: number; caption: string }; replyTo?: Uint8Array }
  | { fileChunk: { fileHash: Uint8Array; index: number; data: Uint8Array } }
  | { receipt: { messageIds: Uint8Array[]; readAt: number } }
  | { pin: { messageId: Uint8Array } }
  | { unpin: { messageId: Uint8Array } };

export function requireJoined(ctx: EngineContext, groupId: Uint8Array): GroupRow {
  const g = requireGroup(ctx, groupId);
  if (g.myState === 'closed') throw new KizunaError('GROUP_CLOSED');
  if (g.myState !== 'joined') throw new KizunaError('GROUP_LEFT', g.myState === 'joining' ? 'You will be able to write once the admin lets you in.' : undefined);
  return g;
}

export function mediaKind(mime: string): MessageKind {
  return /^(image|video|audio)\//.test(mime) ? 'media' : 'file';
}

/**
 * Encrypts and queues sequenced MESSAGE envelopes in order, under the group's lock. Each MLS
 * encryption starts from the state the previous one left (held in memory), and the last state is
 * stored in the transaction that queues the envelopes: none can be published before the state that
 * encrypted it is durable, and one commit (one serialised state) serves the whole send. If the
 * process dies before that commit, the generations used are used again later, but their
 * ciphertexts never left this process. `row` decides what is shown as a message.
 */
export async function sendContents(
  ctx: EngineContext,
  groupId: Uint8Array,
  contents: ContentInput[],
  row: (index: number, content: ContentInput) => Omit<MessageRow, 'id' | 'groupId' | 'sender' | 'seq' | 'epoch' | 'sentAt' | 'receivedAt' | 'sendState'> | null,
  /** Runs in the transaction that queues the envelopes, with each one's id (carries record what they became). */
  within?: (envelopeIds: Uint8Array[]) => void,
): Promise<MessageRow[]> {
  const self = ctx.self();
  const rows = await ctx.groupLocks.run(toBase64Url(groupId), async () => {
    const group = requireJoined(ctx, groupId);
    const first = ctx.store.read.log.nextOwnSeq(groupId);
    const sentAt = nextSentAt(ctx);
    const sealed: SealedBody[] = [];
    for (let i = 0; i < contents.length; i++) {
      const s = await sealBody(ctxDeps(ctx), group, 'MESSAGE', first + i, sentAt, encodeWire('Content', contents[i] as object));
      s.hold();
      sealed.push(s);
    }
    return ctx.store.transaction(() => {
      // The state the last body was encrypted with, stored with the envelopes: none is published before it is durable.
      sealed.at(-1)?.persist();
      const out: MessageRow[] = [];
      const ids: Uint8Array[] = [];
      sealed.forEach((s, i) => {
        const shown = row(i, contents[i] as ContentInput);
        const built = writeSequencedEnvelope(
          ctx,
          { groupId, epoch: s.epoch, type: 'MESSAGE', seq: first + i, body: s.body, sentAt },
          shown === null ? null : 'self',
        );
        ids.push(built.id);
        if (shown === null) return;
        const message: MessageRow = { ...shown, id: built.id, groupId, sender: self.userId, seq: first + i, epoch: s.epoch, sentAt, receivedAt: sentAt, sendState: 'pending' };
        ctx.store.write.messages.insert(message);
        ctx.store.write.groups.noteActivity(groupId, sentAt, built.id, 0);
        out.push(message);
      });
      within?.(ids);
      // Written after everyone else left: it can reach nobody, so it ends failed now (issue 9).
      const failed = failWhenNobodyLeft(ctx, groupId, out.map((r) => r.id));
      return out.map((r): MessageRow => (failed.some((id) => bytesEqual(id, r.id)) ? { ...r, sendState: 'failed' } : r));
    });
  });
  for (const r of rows) {
    const view = justSentView(ctx, r);
    ctx.events.emit('message', view);
    if (r.sendState !== 'failed') continue;
    // As after a departure (undeliverable.ts): the reason first, then the state it explains.
    if (view.failure !== undefined) ctx.events.emit('delivery-failed', { groupId: view.groupId, messageId: view.id, attempts: 0, ...view.failure });
    ctx.events.emit('send-state', { groupId: view.groupId, messageId: view.id, state: 'failed' });
  }
  // The group's last message changed: its activity goes out like after a received one (once per tick).
  if (rows.length > 0) emitActivitySoon(ctx, groupId);
  announceOutbox(ctx, groupId);
  return rows;
}

/**
 * The view of a message of ours written a moment ago: nobody can have pinned it or sent a receipt for
 * it (they need its id, which only its publishing reveals), so those lookups are skipped (the send
 * path built two views per message, six queries). One that failed at once (nobody left) has its
 * failures written, so its view reads them.
 */
function justSentView(ctx: EngineContext, row: MessageRow): MessageView {
  return messageView(ctx, row, row.sendState !== 'failed');
}

const lastSentAt = new WeakMap<EngineContext, number>();

/**
 * Our send time, strictly after our previous one: chats order by time (ties broken by id), and two
 * of our own messages in one millisecond must still show in the order they were written.
 */
function nextSentAt(ctx: EngineContext): number {
  const at = Math.max(ctx.now(), (lastSentAt.get(ctx) ?? 0) + 1);
  lastSentAt.set(ctx, at);
  return at;
}

export function ctxDeps(ctx: EngineContext) {
  return { store: ctx.store, mlsStates: ctx.mlsStates, selfId: () => ctx.self().userId };
}

/** The message, if it exists and belongs to the group; MESSAGE_NOT_FOUND otherwise (never another group's). */
export function requireMessageIn(ctx: EngineContext, groupId: Uint8Array, messageId: Uint8Array): MessageRow {
  const m = ctx.store.read.messages.get(messageId);
  if (m === undefined || !bytesEqual(m.groupId, groupId)) throw new KizunaError('MESSAGE_NOT_FOUND');
  return m;
}

function optionalReply(ctx: EngineContext, groupId: Uint8Array, replyTo: Uint8Array | undefined): Uint8Array | undefined {
  if (replyTo === undefined) return undefined;
  requireMessageIn(ctx, groupId, replyTo);
  return replyTo;
}

/** Nothing to show: empty or only whitespace. Never sent; refused when received (`text-empty`). */
export function isBlankText(text: string): boolean {
  return text.trim().length === 0;
}

export async function sendText(ctx: EngineContext, groupId: Uint8Array, text: string, replyTo?: Uint8Array): Promise<MessageView> {
  if (isBlankText(text)) throw new KizunaError('MESSAGE_EMPTY');
  if (text.length > MAX_TEXT_CHARS) throw new KizunaError('MESSAGE_TOO_LONG');
  const reply = optionalReply(ctx, groupId, replyTo);
  const [row] = await sendContents(ctx, groupId, [reply === undefined ? { text: { text } } : { text: { text }, replyTo: reply }], () => ({
    kind: 'text',
    body: text,
    replyTo: reply ?? null,
    fileName: null,
    fileSize: null,
    fileMime: null,
    fileHash: null,
  }));
  return justSentView(ctx, row as MessageRow);
}

export interface FileInput {
  name: string;
  mime: string;
  bytes: Uint8Array;
  caption?: string;
  replyTo?: Uint8Array;
}

export function validateFileName(name: string): string {
  const n = name.normalize('NFC').trim();
  if (!isSendableFileName(n)) throw new KizunaError('FILE_NAME_INVALID');
  return n;
}

/**
 * The one file-name rule, for what we send and what we accept: 1 to 255 characters, already NFC and
 * trimmed (what a sender puts on the wire), no path separator or control character, not `.` or `..`.
 * A received offer breaking it is refused (`file-offer-invalid`): a name is saved to disk as is.
 */
export function isSendableFileName(n: string): boolean {
  if (n.length === 0 || n.length > 255 || n !== n.normalize('NFC').trim()) return false;
  return !/[/\\]/u.test(n) && !hasControlCharacter(n) && n !== '.' && n !== '..';
}

/** A file: the offer message (name, size, type, hash) followed by its encrypted chunks. */
export async function sendFile(ctx: EngineContext, groupId: Uint8Array, input: FileInput): Promise<MessageView> {
  const name = validateFileName(input.name);
  if (input.bytes.byteLength > MAX_FILE_BYTES) throw new KizunaError('FILE_TOO_LARGE', undefined, { max: MAX_FILE_BYTES });
  const mime = fileTypeToSend(input.mime);
  const caption = input.caption ?? '';
  if (caption.length > MAX_TEXT_CHARS) throw new KizunaError('MESSAGE_TOO_LONG');
  requireJoined(ctx, groupId);
  const reply = optionalReply(ctx, groupId, input.replyTo);
  const h = createBlake2b256();
  h.update(input.bytes);
  const hash = h.digest();
  const size = input.bytes.byteLength;
  const chunkCount = Math.ceil(size / FILE_CHUNK_BYTES);
  for (let i = 0; i < chunkCount; i++) ctx.files.writeChunk(hash, i, input.bytes.subarray(i * FILE_CHUNK_BYTES, (i + 1) * FILE_CHUNK_BYTES));
  ctx.store.transaction(() => {
    ctx.store.write.files.ensure(hash, size, chunkCount, ctx.self().userId, groupId);
    for (let i = 0; i < chunkCount; i++) ctx.store.write.files.markChunk(hash, i);
    ctx.store.write.files.markComplete(hash);
  });
  const offer: ContentInput = { file: { name, size, mime, hash, chunkCount, chunkSize: FILE_CHUNK_BYTES, caption }, ...(reply ? { replyTo: reply } : {}) };
  const chunks: ContentInput[] = Array.from({ length: chunkCount }, (_, i) => ({
    fileChunk: { fileHash: hash, index: i, data: input.bytes.subarray(i * FILE_CHUNK_BYTES, (i + 1) * FILE_CHUNK_BYTES) },
  }));
  const [row] = await sendContents(ctx, groupId, [offer, ...chunks], (i) =>
    i === 0 ? { kind: mediaKind(mime), body: caption, replyTo: reply ?? null, fileName: name, fileSize: size, fileMime: mime, fileHash: hash } : null,
  );
  return justSentView(ctx, row as MessageRow);
}

/** Sends a content that is not shown as a message of its own (receipt, pin, unpin). */
export async function sendControl(ctx: EngineContext, groupId: Uint8Array, content: ContentInput): Promise<void> {
  await sendContents(ctx, groupId, [content], () => null);
}
