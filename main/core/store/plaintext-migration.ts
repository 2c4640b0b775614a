import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { applyDatabaseKey } from './database-cipher.js';
import { ensureOwnerOnlyFile } from './profile-permissions.js';

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

/** The copy being encrypted; a leftover one is from a crash mid-migration and may hold plaintext. */
export const migrationCopyPath = (path: string): string => `${path}.encrypting`;

export function removeMigrationLeftovers(path: string): void {
  const copy = migrationCopyPath(path);
  for (const p of [copy, `${copy}-journal`, `${copy}-wal`, `${copy}-shm`]) rmSync(p, { force: true });
}

/**
 * Encrypts a plaintext profile database in place, crash-safe: the plaintext file is checkpointed,
 * copied, the copy encrypted and checked, and only then renamed over the original (an atomic swap).
 * A crash before the rename leaves the untouched plaintext database (and a copy removed on the next
 * open); after it, the encrypted one. There is never a half-encrypted profile.
 */
export function encryptPlaintextDatabase(path: string, key: Uint8Array): void {
  removeMigrationLeftovers(path);
  const plain = new Database(path);
  try {
    // Everything into the main file, and out of WAL mode: SQLite cannot rekey a WAL database.
    plain.pragma('wal_checkpoint(TRUNCATE)');
    plain.pragma('journal_mode = DELETE');
  } finally {
    plain.close();
  }
  const copy = migrationCopyPath(path);
  ensureOwnerOnlyFile(copy);
  copyFileSync(path, copy);
  const enc = new Database(copy);
  try {
    applyDatabaseKey(enc, key, 'hexrekey');
  } finally {
    enc.close();
  }
  const check = new Database(copy, { readonly: true });
  try {
    applyDatabaseKey(check, key);
    check.prepare('SELECT count(*) FROM sqlite_master').get();
  } finally {
    check.close();
  }
  fsyncPath(copy, 'r+');
  for (const p of [`${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(p, { force: true });
  renameSync(copy, path);
  fsyncPath(dirname(path), 'r');
}
