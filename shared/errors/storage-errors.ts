import { KizunaError } from './kizuna-error.js';
import type { ErrorCode } from './error-codes.js';

/**
 * Turns what the disk or SQLite reports (ENOSPC, EROFS, SQLITE_FULL, SQLITE_BUSY, ...) into the
 * typed error a person can act on. Shared so every floor (store, kernel, hosts) says the same.
 */
export type StorageProblem = 'full' | 'read-only' | 'busy' | 'corrupt';

const BY_CODE: ReadonlyArray<[RegExp, StorageProblem]> = [
  [/^(ENOSPC|EDQUOT|SQLITE_FULL)$/, 'full'],
  [/^(EROFS|EACCES|EPERM|SQLITE_READONLY.*|SQLITE_CANTOPEN.*|SQLITE_AUTH.*)$/, 'read-only'],
  [/^(EBUSY|SQLITE_BUSY.*|SQLITE_LOCKED.*)$/, 'busy'],
  [/^(SQLITE_CORRUPT.*|SQLITE_NOTADB)$/, 'corrupt'],
];

const CODE_OF: Record<StorageProblem, ErrorCode> = {
  full: 'STORAGE_FULL',
  'read-only': 'STORAGE_READ_ONLY',
  busy: 'STORAGE_BUSY',
  corrupt: 'STORE_CORRUPT',
};

/** The storage problem behind an error, or undefined when it is not one. */
export function storageProblemOf(err: unknown): StorageProblem | undefined {
  if (err instanceof KizunaError) {
    for (const [problem, code] of Object.entries(CODE_OF)) if (code === err.code) return problem as StorageProblem;
    return undefined;
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  // SQLite reports a full disk on some write paths as a generic I/O error with the errno behind it.
  if (code.startsWith('SQLITE_IOERR') && /ENOSPC|disk is full|database or disk is full/i.test(String((err as { message?: unknown }).message))) return 'full';
  return BY_CODE.find(([re]) => re.test(code))?.[1];
}

/** The typed error for a storage failure (others are returned unchanged). */
export function toStorageError(err: unknown, where?: string): unknown {
  if (err instanceof KizunaError) return err;
  const problem = storageProblemOf(err);
  if (problem === undefined) return err;
  return new KizunaError(CODE_OF[problem], undefined, where === undefined ? undefined : { where }, { cause: err });
}
