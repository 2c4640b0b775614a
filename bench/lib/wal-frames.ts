import { existsSync, readFileSync } from 'node:fs';
import type { SqliteDatabase } from '../../main/core/store/database.js';

/**
 * Counts what one operation writes to SQLite, from the WAL file itself (issue 13: a round trip is
 * bound by the pages each transaction writes). A WAL is a 32-byte header and then one frame per page
 * written: a 24-byte header (page number; the database size for the last frame of a commit, else 0;
 * the WAL's two salts; a running checksum) and the page. The page cipher encrypts only the page, so
 * the frame headers read as in any SQLite WAL. Frames are valid while their salts match the header's
 * and the checksum chain holds; frames after the last commit frame belong to no transaction.
 */
export interface WalFrames {
  /** Frames of committed transactions (a page written twice in two commits counts twice). */
  frames: number;
  commits: number;
  /** The page number of each of those frames, in order. */
  pages: number[];
}

const HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

/** The committed frames of the WAL file at `walPath` (none when the file is missing or empty). */
export function readWalFrames(walPath: string): WalFrames {
  const empty: WalFrames = { frames: 0, commits: 0, pages: [] };
  if (!existsSync(walPath)) return empty;
  const wal = readFileSync(walPath);
  if (wal.byteLength < HEADER_BYTES) return empty;
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) throw new Error(`not a WAL file: ${walPath}`);
  const bigEndian = (magic & 1) === 1;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let sum = checksum(wal, 0, 24, [0, 0], bigEndian);
  if (sum[0] !== wal.readUInt32BE(24) || sum[1] !== wal.readUInt32BE(28)) return empty;
  const pages: number[] = [];
  let committedFrames = 0;
  let commits = 0;
  for (let at = HEADER_BYTES; at + FRAME_HEADER_BYTES + pageSize <= wal.byteLength; at += FRAME_HEADER_BYTES + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    sum = checksum(wal, at, 8, sum, bigEndian);
    sum = checksum(wal, at + FRAME_HEADER_BYTES, pageSize, sum, bigEndian);
    if (sum[0] !== wal.readUInt32BE(at + 16) || sum[1] !== wal.readUInt32BE(at + 20)) break;
    pages.push(wal.readUInt32BE(at));
    if (wal.readUInt32BE(at + 4) !== 0) {
      commits += 1;
      committedFrames = pages.length;
    }
  }
  return { frames: committedFrames, commits, pages: pages.slice(0, committedFrames) };
}

/** SQLite's WAL checksum over `length` bytes (a multiple of 8) from `offset`, continuing from `start`. */
function checksum(buf: Buffer, offset: number, length: number, start: [number, number], bigEndian: boolean): [number, number] {
  let [s0, s1] = start;
  for (let i = offset; i < offset + length; i += 8) {
    const x0 = bigEndian ? buf.readUInt32BE(i) : buf.readUInt32LE(i);
    const x1 = bigEndian ? buf.readUInt32BE(i + 4) : buf.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

/**
 * Empties the WAL (a TRUNCATE checkpoint), runs `op`, and reads what it appended. Nothing else may
 * checkpoint meanwhile (a checkpoint that catches up lets the next commit start the WAL over, losing
 * the frames before it): the caller stops the engine's checkpoint worker, and an operation writes far
 * fewer than the 1,000 pages of SQLite's own automatic checkpoint.
 */
export async function walWrites(db: SqliteDatabase, op: () => Promise<unknown>): Promise<WalFrames> {
  const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  if (row === undefined || row.busy !== 0) throw new Error('the WAL could not be emptied before the operation');
  await op();
  return readWalFrames(`${db.name}-wal`);
}

/** Which table or index each page belongs to (SQLite's dbstat), for the frames' page numbers. */
export function pageOwners(db: SqliteDatabase, pages: number[]): Map<string, number> {
  const owner = new Map<number, string>();
  for (const r of db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]) owner.set(r.pageno, r.name);
  const out = new Map<string, number>();
  for (const p of pages) {
    const name = owner.get(p) ?? (p === 1 ? 'sqlite_schema' : 'free list');
    out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}
