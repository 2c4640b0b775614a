import type { Prepare } from '../statement-cache.js';

/** Which chunks of each file this device holds (the bytes live encrypted in files/<hash>/). */
export interface FileRow {
  hash: Uint8Array;
  size: number;
  chunkCount: number;
  chunksHave: number;
  chunkBitmap: Uint8Array;
  complete: number;
  /** The sender of the first offer for this hash (null: a row from before migration 0005). */
  author: Uint8Array | null;
  /** The group that offer was in. */
  groupId: Uint8Array | null;
}

export interface FilesReader {
  get(hash: Uint8Array): FileRow | undefined;
}

export interface FilesWriter {
  /** Records a file on its first offer; a later offer for the same hash changes nothing (not its author). */
  ensure(hash: Uint8Array, size: number, chunkCount: number, author: Uint8Array, groupId: Uint8Array): void;
  /** Marks a chunk held; returns the row after the change (undefined if the file is unknown). */
  markChunk(hash: Uint8Array, index: number): FileRow | undefined;
  markComplete(hash: Uint8Array): void;
  /** Forgets the chunks held (they did not add up to the hash), so the author's resend can fill it again. */
  resetChunks(hash: Uint8Array): void;
}

const COLUMNS = 'hash, size, chunk_count AS chunkCount, chunks_have AS chunksHave, chunk_bitmap AS chunkBitmap, complete, author, group_id AS groupId';

export function filesReader(prepare: Prepare): FilesReader {
  return { get: (hash) => prepare(`SELECT ${COLUMNS} FROM files WHERE hash = ?`).get(hash) as FileRow | undefined };
}

export function filesWriter(prepare: Prepare): FilesWriter {
  const get = (hash: Uint8Array) => prepare(`SELECT ${COLUMNS} FROM files WHERE hash = ?`).get(hash) as FileRow | undefined;
  return {
    ensure: (hash, size, chunkCount, author, groupId) =>
      void prepare(
        'INSERT OR IGNORE INTO files (hash, size, chunk_count, chunks_have, chunk_bitmap, complete, author, group_id) VALUES (?, ?, ?, 0, ?, 0, ?, ?)',
      ).run(hash, size, chunkCount, new Uint8Array(Math.ceil(chunkCount / 8)), author, groupId),
    markChunk: (hash, index) => {
      const row = get(hash);
      if (row === undefined || index >= row.chunkCount) return row;
      const bitmap = new Uint8Array(row.chunkBitmap);
      const byte = index >> 3;
      const bit = 1 << (index & 7);
      if (((bitmap[byte] as number) & bit) !== 0) return row;
      bitmap[byte] = (bitmap[byte] as number) | bit;
      prepare('UPDATE files SET chunk_bitmap = ?, chunks_have = chunks_have + 1 WHERE hash = ?').run(bitmap, hash);
      return get(hash);
    },
    markComplete: (hash) => void prepare('UPDATE files SET complete = 1 WHERE hash = ?').run(hash),
    resetChunks: (hash) =>
      void prepare('UPDATE files SET chunks_have = 0, chunk_bitmap = zeroblob(length(chunk_bitmap)) WHERE hash = ? AND complete = 0').run(hash),
  };
}
