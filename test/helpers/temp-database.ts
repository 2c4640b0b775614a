import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { createAtRestCipher } from '../../main/core/crypto/at-rest-cipher.js';
import { loadSodium } from '../../main/core/crypto/sodium.js';
import { applyDatabaseKey } from '../../main/core/store/database-cipher.js';
import { openDatabase, type SqliteDatabase } from '../../main/core/store/database.js';
import { tempDir } from './test-engines.js';

/** A real encrypted SQLite file for each test of a describe block; see databaseFileEachTest(). */
export interface DatabaseFileEachTest {
  /** This test's folder, made before the test and removed after it. */
  readonly dir: string;
  /** This test's database file, `kizuna.db` in that folder (it does not exist until opened). */
  readonly path: string;
  /** Opens `file` as the app opens a profile's database (encrypted, WAL, every migration, key check). */
  open(file?: string): SqliteDatabase;
  /** Opens `file` with the page key and nothing else, for a test to build a profile as an older release left it. */
  openBare(file?: string): SqliteDatabase;
}

/**
 * Registers the hooks a store test repeats: sodium loaded once, a fresh folder per test, and after
 * each test every database it opened that is still open closed before the folder is removed, so
 * no handle outlives its test, even one that failed half way. Call it inside a describe block;
 * read `dir`/`path` only inside a test or hook, since they change per test.
 */
export function databaseFileEachTest(): DatabaseFileEachTest {
  let folder: ReturnType<typeof tempDir> | undefined;
  const opened: SqliteDatabase[] = [];
  // One page key per describe block, as each of these tests had before.
  const key = new Uint8Array(randomBytes(32));
  // The local key only seals the key check; a fixed one keeps a reopened file readable within a test.
  const cipher = createAtRestCipher(new Uint8Array(32).fill(3));
  const dir = (): string => {
    if (folder === undefined) throw new Error('databaseFileEachTest: the folder exists only while a test runs');
    return folder.path;
  };
  const path = (): string => join(dir(), 'kizuna.db');
  const track = (db: SqliteDatabase): SqliteDatabase => {
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    await loadSodium();
  });
  beforeEach(() => {
    folder = tempDir();
  });
  afterEach(() => {
    for (const db of opened.splice(0)) if (db.open) db.close();
    folder?.cleanup();
    folder = undefined;
  });

  return {
    get dir() {
      return dir();
    },
    get path() {
      return path();
    },
    open: (file = path()) => track(openDatabase(file, cipher, key)),
    openBare: (file = path()) => {
      const db = track(new Database(file));
      applyDatabaseKey(db, key);
      return db;
    },
  };
}
