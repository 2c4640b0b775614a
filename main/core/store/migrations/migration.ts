import type Database from 'better-sqlite3-multiple-ciphers';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';

/** One schema change. Migrations are numbered files, applied in order, each in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Brings a database from its `user_version` to the last of `migrations` (in order, each in its own
 * transaction). A database written by a newer Kizuna is refused rather than guessed at.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) throw new KizunaError('STORE_NEWER_SCHEMA', undefined, { current, latest });
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
