import type Database from 'better-sqlite3-multiple-ciphers';
import { blake2b } from '@noble/hashes/blake2.js';
import { concatBytes, utf8 } from '../encoding/base64url.js';

/**
 * The whole database file (and its WAL) is encrypted page by page by SQLite3 Multiple Ciphers:
 * AEGIS-256 (below), so a changed page fails its tag instead of being read. The page key comes
 * from the profile's local key (which stays where it always was: safeStorage, passphrase or key
 * file), under its own label so it is never the key the at-rest cipher seals blobs with.
 */
const STORE_KEY_LABEL = utf8('kizuna sqlite page key v1');

/**
 * BLAKE2b-256(label ‖ key), the same bytes crypto/hash.ts's blake2b256 gives, from @noble/hashes so
 * opening the store does not need libsodium (the CLI's read-only commands start without it).
 */
export function deriveDatabaseKey(localKey: Uint8Array): Uint8Array {
  return blake2b(concatBytes(STORE_KEY_LABEL, localKey), { dkLen: 32 });
}

/**
 * The page cipher's settings, as the pragmas that select it (SQLite3 Multiple Ciphers). AEGIS-256, an
 * authenticated cipher built on the AES round function (AES-NI, ARMv8 crypto): a page write costs
 * about what it costs unencrypted, where ChaCha20-Poly1305 in portable C added ~40 % to every commit.
 * The key is 256 random bits, so a password KDF adds nothing but time to every open: the cheapest
 * Argon2id settings it accepts keep an open under a millisecond (its defaults took ~45 ms).
 */
const PAGE_CIPHER = ["cipher = 'aegis'", "algorithm = 'aegis-256'", 'tcost = 1', 'mcost = 8', 'pcost = 1'];

/** What profiles were encrypted with before AEGIS (opened only to re-encrypt them: database-reencryption.ts). */
const LEGACY_PAGE_CIPHER = ["cipher = 'chacha20'", 'kdf_iter = 1'];

export type PageCipher = 'current' | 'legacy';

/** The pragmas that key a connection (in order, before its first read or write). Also for the checkpoint worker. */
export function databaseKeyPragmas(key: Uint8Array, pragma: 'hexkey' | 'hexrekey' = 'hexkey', scheme: PageCipher = 'current'): string[] {
  return [...(scheme === 'current' ? PAGE_CIPHER : LEGACY_PAGE_CIPHER), `${pragma} = '${Buffer.from(key).toString('hex')}'`];
}

/** Must run before the first read or write on the connection. */
export function applyDatabaseKey(db: Database.Database, key: Uint8Array, pragma: 'hexkey' | 'hexrekey' = 'hexkey', scheme: PageCipher = 'current'): void {
  for (const p of databaseKeyPragmas(key, pragma, scheme)) db.pragma(p);
}
