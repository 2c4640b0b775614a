import type Database from 'better-sqlite3-multiple-ciphers';

/** Prepares each SQL text once per database and reuses the statement (better-sqlite3 idiom). */
export type Prepare = (sql: string) => Database.Statement;

/** Told about each write statement's outcome (storage-health.ts), so no write can fail unnoticed. */
export interface WriteObserver {
  ok(): void;
  failed(err: unknown): unknown;
}

export function createStatementCache(db: Database.Database, writes?: WriteObserver): Prepare {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = db.prepare(sql);
      if (writes !== undefined && !stmt.reader) observeWrites(db, stmt, writes);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

function observeWrites(db: Database.Database, stmt: Database.Statement, writes: WriteObserver): void {
  const run = stmt.run.bind(stmt) as (...params: unknown[]) => Database.RunResult;
  const observed = (...params: unknown[]): Database.RunResult => {
    let result: Database.RunResult;
    try {
      result = run(...params);
    } catch (err) {
      throw writes.failed(err);
    }
    // Inside a transaction the write is not on disk until the commit (store.transaction reports that).
    if (!db.inTransaction) writes.ok();
    return result;
  };
  stmt.run = observed as typeof stmt.run;
}

/** SQLite hands BLOBs back as Buffer; the engine speaks Uint8Array. Buffer is one, so no copy. */
export type Blob = Uint8Array;
