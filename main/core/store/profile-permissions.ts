import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A profile holds private keys, MLS state and the message store: nobody but its owner may read
 * it, even sealed. The folder and every folder below it are 0700 and every file 0600; a profile
 * made by an older version (or copied with looser modes) is tightened each time it is opened.
 */
export const PROFILE_DIR_MODE = 0o700;
export const PROFILE_FILE_MODE = 0o600;

/** Creates the profile folder if needed and tightens the modes of everything already in it. */
export function secureProfileDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: PROFILE_DIR_MODE });
  tighten(dataDir);
}

// chmod only what is looser, so a read-only profile that is already right opens without a write.
function setMode(path: string, mode: number): void {
  if ((lstatSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
}

function tighten(dir: string): void {
  setMode(dir, PROFILE_DIR_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Symbolic links are left alone: chmod would follow them out of the profile.
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) tighten(path);
    else if (entry.isFile()) setMode(path, PROFILE_FILE_MODE);
  }
}

/**
 * Creates an empty file owner-only before a library (SQLite) opens it, so it never exists with
 * the umask's looser mode; SQLite then gives its -wal and -shm files the same mode.
 */
export function ensureOwnerOnlyFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PROFILE_FILE_MODE));
  setMode(path, PROFILE_FILE_MODE);
}
