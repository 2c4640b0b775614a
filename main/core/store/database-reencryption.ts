import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { applyDatabaseKey, type PageCipher } from './database-cipher.js';
import { ensureOwnerOnlyFile } from './profile-permissions.js';

/**
 * Profiles written by older versions, brought to the current page cipher in place: an unencrypted
 * database (before the store was encrypted) and one under the legacy page cipher (ChaCha20, before
 * AEGIS). Both are re-encrypted the same crash-safe way.
 */

const PLAINTEXT_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** True when the file is an unencrypted SQLite database (written before the store was encrypted). */
export function isPlaintextDatabase(path: string): boolean {
  if (!existsSync(path)) return false;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(PLAINTEXT_HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(PLAINTEXT_HEADER);
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(path: string, flags: 'r' | 'r+'): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The copy being re-encrypted; a leftover one is from a crash mid-migration and may hold plaintext. */
export const migrationCopyPath = (path: string): string => `${path}.encrypting`;

export function removeMigrationLeftovers(path: string): void {
  const copy = migrationCopyPath(path);
  for (const p of [copy, `${copy}-journal`, `${copy}-wal`, `${copy}-shm`]) rmSync(p, { force: true });
}

/** What the file is now: unencrypted, or under the legacy page cipher with this key. */
type Source = { kind: 'plaintext' } | { kind: 'legacy'; key: Uint8Array };

/** Opens the file as it is now (keyed for the legacy cipher when it is under it). */
function openSource(path: string, source: Source): Database.Database {
  const db = new Database(path);
  if (source.kind === 'legacy') applyDatabaseKey(db, source.key, 'hexkey', 'legacy');
  return db;
}

/**
 * Re-encrypts the database at `path` under the current page cipher, crash-safe: the file is
 * checkpointed, copied, the copy re-keyed and checked, and only then renamed over the original (an
 * atomic swap). A crash before the rename leaves the untouched original (and a copy removed on the
 * next open); after it, the re-encrypted one. There is never a half-encrypted profile.
 */
function reencryptInPlace(path: string, key: Uint8Array, source: Source): void {
  removeMigrationLeftovers(path);
  const original = openSource(path, source);
  try {
    // Everything into the main file, and out of WAL mode: SQLite cannot rekey a WAL database.
    original.pragma('wal_checkpoint(TRUNCATE)');
    original.pragma('journal_mode = DELETE');
  } finally {
    original.close();
  }
  const copy = migrationCopyPath(path);
  ensureOwnerOnlyFile(copy);
  copyFileSync(path, copy);
  const enc = openSource(copy, source);
  try {
    // The current cipher's settings, then rekey: every page rewritten under them (and their reserved bytes).
    applyDatabaseKey(enc, key, 'hexrekey');
  } finally {
    enc.close();
  }
  if (!opensUnder(copy, key, 'current')) throw new Error(`the re-encrypted copy of ${path} does not open under the current page cipher`);
  fsyncPath(copy, 'r+');
  for (const p of [`${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(p, { force: true });
  renameSync(copy, path);
  fsyncPath(dirname(path), 'r');
}

/** Encrypts a plaintext profile database in place (see reencryptInPlace). */
export function encryptPlaintextDatabase(path: string, key: Uint8Array): void {
  reencryptInPlace(path, key, { kind: 'plaintext' });
}

/** Whether `key` opens the file under that page cipher (only reads page 1: a wrong cipher or key changes nothing). */
export function opensUnder(path: string, key: Uint8Array, scheme: PageCipher): boolean {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    applyDatabaseKey(db, key, 'hexkey', scheme);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_NOTADB') return false;
    throw err;
  } finally {
    db?.close();
  }
}

/**
 * For a database the current cipher cannot read: if `key` opens it under the legacy page cipher, it
 * is re-encrypted under the current one (see reencryptInPlace) and true is returned; otherwise
 * (another profile's key, a damaged file) nothing is touched and false is returned.
 */
export function upgradeLegacyCipher(path: string, key: Uint8Array): boolean {
  if (!opensUnder(path, key, 'legacy')) return false;
  reencryptInPlace(path, key, { kind: 'legacy', key });
  return true;
}
