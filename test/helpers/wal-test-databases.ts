import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { createAtRestCipher } from '../../main/core/crypto/at-rest-cipher.js';
import { loadSodium } from '../../main/core/crypto/sodium.js';
import { WalCheckpointer, type WalCheckpointerOptions } from '../../main/core/engine/wal-checkpointer.js';
import { openDatabase, type SqliteDatabase } from '../../main/core/store/database.js';
import { applyDatabaseKey } from '../../main/core/store/database-cipher.js';
import { tempDir } from './test-engines.js';
import { unmount } from './small-disk.js';

/*
 * Real encrypted SQLite files for the checkpoint worker's tests (test/unit/core/engine/wal-checkpointer*.test.ts):
 * each database in a fresh folder, its checkpointer stopped and the folder removed at cleanup.
 */

export const CHUNK_ROWS = 64;
export const ROW_BYTES = 4096;
/** 64 chunks of 256 KiB: 16 MiB written in all. */
export const CHUNKS = 64;
export const WAL_BOUND = 1024 * 1024;

/** The WAL file's size now (0: there is none). */
export function walBytes(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

export interface TestDatabase {
  db: SqliteDatabase;
  path: string;
  key: Uint8Array;
}

export class WalTestDatabases {
  private readonly dirs: { cleanup(): void }[] = [];
  private readonly open: { db: SqliteDatabase; checkpoints?: WalCheckpointer }[] = [];
  /** Small disks a test mounted (unmounted at cleanup). */
  readonly mounted: string[] = [];

  /** A database with a `filler` table in a fresh folder, or in `at` (a small disk a test mounted). */
  database(at?: string): TestDatabase {
    const dir = this.tempDir('kizuna-wal-');
    const key = randomBytes(32);
    const path = join(at ?? dir, 'kizuna.db');
    const db = openDatabase(path, createAtRestCipher(randomBytes(32)), key);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    this.open.push({ db });
    return { db, path, key };
  }

  /** A folder removed at cleanup. */
  tempDir(prefix: string): string {
    const dir = tempDir(prefix);
    this.dirs.push(dir);
    return dir.path;
  }

  /** Runs at cleanup, after the checkpointers stopped and before the folders go. */
  onCleanup(release: () => void): void {
    this.dirs.push({ cleanup: release });
  }

  /** A checkpointer for `d`, stopped at cleanup (before its connection closes). */
  checkpointer(d: TestDatabase, options: WalCheckpointerOptions = {}, key: Uint8Array = d.key): WalCheckpointer {
    const checkpoints = new WalCheckpointer(d.db, d.path, key, options);
    this.track(d.db, checkpoints);
    return checkpoints;
  }

  /** A checkpointer some other way made (an engine's), stopped at cleanup with its connection. */
  track(db: SqliteDatabase, checkpoints: WalCheckpointer): void {
    const entry = this.open.find((o) => o.db === db);
    if (entry === undefined) this.open.push({ db, checkpoints });
    else entry.checkpoints = checkpoints;
  }

  /** A fresh database's checkpointer with a 1 ms idle interval (and a bound out of the way), once it sleeps. */
  async sleepingCheckpointer(): Promise<TestDatabase & { checkpoints: WalCheckpointer }> {
    const d = this.database();
    const checkpoints = this.checkpointer(d, { checkEveryMs: 1, walBoundBytes: 64 * 1024 * 1024 });
    await checkpoints.asleep();
    return { ...d, checkpoints };
  }

  /**
   * A checkpointer that stays awake (a ten-minute idle interval) checking every millisecond, on a database of its
   * own: a clock made of events. While it checks n times, a worker polling at a 1 ms idle interval would check too.
   */
  clock(): WalCheckpointer {
    return this.checkpointer(this.database(), { checkEveryMs: 600_000, busyCheckEveryMs: 1 });
  }

  /** Another connection to the database, with its page key (closed by the test). */
  connection(path: string, key: Uint8Array): SqliteDatabase {
    const other = new Database(path);
    applyDatabaseKey(other, key);
    return other;
  }

  /** `n` rows of `bytes` random bytes each, in one commit, told to the checkpointer as the Store tells it. */
  readonly insertRows = (db: SqliteDatabase, n: number, bytes = ROW_BYTES): void => {
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(randomBytes(bytes));
    })();
    this.noteCommit(db);
  };

  /** The n-th chunk (256 KiB); older rows go, so the database stays small and the WAL is what grows. */
  readonly writeChunk = (db: SqliteDatabase, n: number): void => {
    this.insertRows(db, CHUNK_ROWS);
    db.prepare('DELETE FROM filler WHERE id <= ?').run((n - 1) * CHUNK_ROWS);
    this.noteCommit(db);
  };

  async cleanup(): Promise<void> {
    for (const o of this.open.splice(0)) {
      await o.checkpoints?.stop();
      if (o.db.open) o.db.close();
    }
    for (const m of this.mounted.splice(0)) unmount(m);
    for (const d of this.dirs.splice(0)) d.cleanup();
  }

  private noteCommit(db: SqliteDatabase): void {
    this.open.find((o) => o.db === db)?.checkpoints?.noteCommit();
  }
}

/** Databases for the tests of one `describe`: sodium loaded before them, everything cleaned up after each. */
export function useWalTestDatabases(): WalTestDatabases {
  const dbs = new WalTestDatabases();
  beforeAll(async () => {
    await loadSodium();
  });
  afterEach(() => dbs.cleanup());
  return dbs;
}
