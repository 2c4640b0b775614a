import Database from 'better-sqlite3-multiple-ciphers';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { toStorageError } from '../../../shared/errors/storage-errors.js';
import type { AtRestCipher } from '../crypto/at-rest-cipher.js';
import { utf8 } from '../encoding/base64url.js';
import { MIGRATIONS } from './migrations/index.js';
import { runMigrations } from './migrations/migration.js';
import { ensureOwnerOnlyFile } from './profile-permissions.js';
import { applyDatabaseKey } from './database-cipher.js';
import { encryptPlaintextDatabase, isPlaintextDatabase, removeMigrationLeftovers, upgradeLegacyCipher } from './database-reencryption.js';

export type SqliteDatabase = Database.Database;

const KEY_CHECK_LABEL = 'meta.key_check';
const KEY_CHECK_PLAINTEXT = 'kizuna local key check v1';

/**
 * Opens (or creates) the profile database, encrypted with `databaseKey` (database-cipher.ts; a
 * plaintext database from an older version, or one under the legacy page cipher, is re-encrypted
 * first: database-reencryption.ts): WAL, numbered migrations each in a transaction, and a key check
 * so that a wrong local key is a clear error rather than an empty-looking store.
 */
export function openDatabase(path: string, cipher: AtRestCipher, databaseKey: Uint8Array, upgraded = false): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    if (path !== ':memory:') {
      removeMigrationLeftovers(path);
      if (isPlaintextDatabase(path)) encryptPlaintextDatabase(path, databaseKey);
      ensureOwnerOnlyFile(path);
    }
    db = new Database(path);
  } catch (err) {
    const typed = toStorageError(err, path);
    if (typed instanceof KizunaError) throw typed;
    throw new KizunaError('STORE_CORRUPT', `The database at ${path} cannot be opened.`, undefined, { cause: err });
  }
  try {
    applyDatabaseKey(db, databaseKey);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode is durable across application crashes (not power loss), and is what
    // makes thousands of small transactions a second possible.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -32000');
    db.pragma('temp_store = MEMORY');
    runMigrations(db, MIGRATIONS);
    checkKey(db, cipher);
  } catch (err) {
    db.close();
    if (err instanceof KizunaError) throw err;
    // An encrypted page 1 that fails its tag: the key is not this database's (or the file is damaged),
    // or the file is under the legacy page cipher (re-encrypted here, once, then opened as usual).
    if ((err as { code?: unknown }).code === 'SQLITE_NOTADB') {
      if (!upgraded && path !== ':memory:' && upgradeLegacy(path, databaseKey)) return openDatabase(path, cipher, databaseKey, true);
      throw new KizunaError('STORE_WRONG_KEY', 'The local key does not open this database (or the file is damaged). Check your passphrase or key file.', undefined, { cause: err });
    }
    const typed = toStorageError(err, path);
    if (typed instanceof KizunaError) throw typed;
    throw new KizunaError('STORE_CORRUPT', `The database at ${path} cannot be read.`, undefined, { cause: err });
  }
  return db;
}

/** upgradeLegacyCipher, its failures as the store's typed errors (a full disk while copying: STORE_FULL). */
function upgradeLegacy(path: string, databaseKey: Uint8Array): boolean {
  try {
    return upgradeLegacyCipher(path, databaseKey);
  } catch (err) {
    const typed = toStorageError(err, path);
    if (typed instanceof KizunaError) throw typed;
    throw new KizunaError('STORE_CORRUPT', `The database at ${path} cannot be re-encrypted.`, undefined, { cause: err });
  }
}

function checkKey(db: SqliteDatabase, cipher: AtRestCipher): void {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('key_check') as { value: Uint8Array } | undefined;
  if (row === undefined) {
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('key_check', cipher.seal(KEY_CHECK_LABEL, utf8(KEY_CHECK_PLAINTEXT)));
    return;
  }
  // open() throws STORE_WRONG_KEY when the key does not match the one this database was made with.
  const plain = cipher.open(KEY_CHECK_LABEL, row.value);
  if (Buffer.from(plain).toString('utf8') !== KEY_CHECK_PLAINTEXT) throw new KizunaError('STORE_WRONG_KEY');
}
