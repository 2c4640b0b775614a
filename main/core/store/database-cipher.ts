import type Database from 'better-sqlite3-multiple-ciphers';
import { blake2b } from '@noble/hashes/blake2.js';
import { concatBytes, utf8 } from '../encoding/base64url.js';

/**
 * The whole database file (and its WAL) is encrypted page by page by SQLite3 Multiple Ciphers:
 * ChaCha20-Poly1305, so a changed page fails its tag instead of being read. The page key comes
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
 * Must run before the first read or write on the connection. The key is 256 random bits, so a
 * password KDF adds nothing but seconds of startup; one iteration keeps every open fast.
 */
export function applyDatabaseKey(db: Database.Database, key: Uint8Array, pragma: 'hexkey' | 'hexrekey' = 'hexkey'): void {
  db.pragma(`cipher = 'chacha20'`);
  db.pragma('kdf_iter = 1');
  db.pragma(`${pragma} = '${Buffer.from(key).toString('hex')}'`);
}
