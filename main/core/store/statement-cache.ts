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
      // Every statement that writes, including one that hands rows back (INSERT ... RETURNING, through get or all).
      if (writes !== undefined && !stmt.readonly) observeWrites(db, stmt, writes);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

function observeWrites(db: Database.Database, stmt: Database.Statement, writes: WriteObserver): void {
  const observe = <R>(call: (...params: unknown[]) => R) => (...params: unknown[]): R => {
    let result: R;
    try {
      result = call(...params);
    } catch (err) {
      throw writes.failed(err);
    }
    // Inside a transaction the write is not on disk until the commit (store.transaction reports that).
    if (!db.inTransaction) writes.ok();
    return result;
  };
  stmt.run = observe(stmt.run.bind(stmt) as (...params: unknown[]) => Database.RunResult) as typeof stmt.run;
  if (!stmt.reader) return;
  stmt.get = observe(stmt.get.bind(stmt) as (...params: unknown[]) => unknown) as typeof stmt.get;
  stmt.all = observe(stmt.all.bind(stmt) as (...params: unknown[]) => unknown[]) as typeof stmt.all;
}

/** SQLite hands BLOBs back as Buffer; the engine speaks Uint8Array. Buffer is one, so no copy. */
export type Blob = Uint8Array;
