import { bytesEqual, toBase64Url } from '../../encoding/base64url.js';
import { blake2b256 } from '../../crypto/hash.js';
import type { EngineContext } from '../../kernel/engine-context.js';
import { isSendableFileName } from '../../messages/message-send.js';
import type { FileRow } from '../../store/tables/files-table.js';
import { FILE_CHUNK_BYTES, type Content, type Envelope } from '../../wire/wire-schemas.js';
import { defer, done, drop, type Verdict } from '../verdict.js';

/** The hash of the empty file: the one offer with no chunks, complete by definition. */
let emptyFileHash: Uint8Array | undefined;
const isEmptyFileHash = (hash: Uint8Array): boolean => bytesEqual(hash, (emptyFileHash ??= blake2b256(new Uint8Array(0))));

type FileOffer = NonNullable<Content['file']>;

/**
 * Whether an offer describes a file that can be named, filled and checked: chunks of our one size, as many
 * as the size needs, at least one (an empty offer would mark its hash complete with nothing checked:
 * only the empty file's own hash may have none). Bounds the chunk bitmap an offer makes us store.
 */
export function validFileOffer(f: FileOffer): boolean {
  // The name is saved to disk and shown: the sender's own rule (no path, no control characters).
  if (!isSendableFileName(f.name)) return false;
  if (f.chunkSize !== FILE_CHUNK_BYTES) return false;
  if (f.chunkCount !== Math.ceil(f.size / f.chunkSize)) return false;
  return f.chunkCount > 0 || isEmptyFileHash(f.hash);
}

/** Records the file of a valid offer: the first offer for a hash makes its sender the file's only author. */
export function recordFileOffer(ctx: EngineContext, e: Envelope, f: FileOffer): void {
  ctx.store.write.files.ensure(f.hash, f.size, f.chunkCount, e.sender, e.groupId);
  if (f.chunkCount === 0) ctx.store.write.files.markComplete(f.hash);
}

/** Who may send this file's chunks: its first offer's author, in its group. */
function isAuthor(ctx: EngineContext, file: FileRow, e: Envelope): boolean {
  if (file.author !== null && file.groupId !== null) return bytesEqual(file.author, e.sender) && bytesEqual(file.groupId, e.groupId);
  const offer = ctx.store.read.messages.byFileHash(e.groupId, file.hash);
  return offer !== undefined && bytesEqual(offer.sender, e.sender);
}

/** The exact length chunk `index` has: full chunks, then what is left of the size. */
function chunkLength(file: FileRow, index: number): number {
  return index < file.chunkCount - 1 ? FILE_CHUNK_BYTES : file.size - (file.chunkCount - 1) * FILE_CHUNK_BYTES;
}

/**
 * A file's chunk: only from the file's author, only into an incomplete file, only a chunk it does
 * not hold yet, of the length the offer implies. The file is complete only once every chunk is in
 * and the whole matches the offer's hash; when it does not, the chunks are forgotten.
 */
export function applyFileChunk(ctx: EngineContext, e: Envelope, c: Content): Verdict {
  const ch = c.fileChunk;
  if (ch === undefined) return drop('content-malformed');
  const file = ctx.store.read.files.get(ch.fileHash);
  if (file === undefined) return defer('file-offer-missing');
  if (!isAuthor(ctx, file, e)) return drop('file-chunk-not-sender');
  if (file.complete === 1) return drop('file-complete');
  if (ch.index >= file.chunkCount || ch.data.byteLength !== chunkLength(file, ch.index)) return drop('file-chunk-malformed');
  const held = ((file.chunkBitmap[ch.index >> 3] ?? 0) & (1 << (ch.index & 7))) !== 0;
  if (held) return done();
  // The chunk goes to disk first (same bytes from the same author, same place); the row records it.
  ctx.files.writeChunk(ch.fileHash, ch.index, ch.data);
  let progress = { have: file.chunksHave, total: file.chunkCount, complete: false };
  return done(
    () => {
      const after = ctx.store.write.files.markChunk(ch.fileHash, ch.index);
      if (after === undefined || after.complete === 1) return;
      let complete = false;
      if (after.chunksHave === after.chunkCount) {
        if (ctx.files.verify(ch.fileHash, after.chunkCount, after.size)) {
          ctx.store.write.files.markComplete(ch.fileHash);
          complete = true;
        } else ctx.store.write.files.resetChunks(ch.fileHash);
      }
      progress = { have: complete ? after.chunksHave : after.chunksHave === after.chunkCount ? 0 : after.chunksHave, total: after.chunkCount, complete };
    },
    () => ctx.events.emit('file', { groupId: toBase64Url(e.groupId), hash: toBase64Url(ch.fileHash), ...progress }),
  );
}
