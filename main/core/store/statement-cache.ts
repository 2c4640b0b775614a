import type Database from 'better-sqlite3-multiple-ciphers';

/** Prepares each SQL text once per database and reuses the statement (better-sqlite3 idiom). */
export type Prepare = (sql: string) => Database.Statement;

export function createStatementCache(db: Database.Database): Prepare {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

/** SQLite hands BLOBs back as Buffer; the engine speaks Uint8Array. Buffer is one, so no copy. */
export type Blob = Uint8Array;
