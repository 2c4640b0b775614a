import Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS } from '../../main/core/store/migrations/index.js';
import { runMigrations } from '../../main/core/store/migrations/migration.js';
import { createStatementCache } from '../../main/core/store/statement-cache.js';
import { clearGroupsCaches, groupsReader, groupsWriter, type GroupsCaches, type GroupsReader, type GroupsWriter } from '../../main/core/store/tables/groups-table.js';

/** The groups table's reader and writer over a fresh in-memory database with every migration, sharing `caches` (emptied first). */
export function openGroupsTable(caches: GroupsCaches): { db: Database.Database; read: GroupsReader; write: GroupsWriter } {
  const db = new Database(':memory:');
  runMigrations(db, MIGRATIONS);
  clearGroupsCaches(caches);
  const prepare = createStatementCache(db);
  return { db, read: groupsReader(prepare, caches), write: groupsWriter(prepare, caches) };
}
