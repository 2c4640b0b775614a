import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../../main/core/store/database.js';
import { databaseFileEachTest } from '../../helpers/temp-database.js';

/**
 * The hooks databaseFileEachTest() registers. The tests of a file run in order, so the second sees
 * what the first left behind after its afterEach: a helper that forgot to close or to remove makes it fail.
 */
describe('the temp-database test helper', () => {
  const store = databaseFileEachTest();
  // Read while the describe block is collected, before any test has a folder.
  const outside = ((): unknown => {
    try {
      return store.dir;
    } catch (err) {
      return err;
    }
  })();
  let first: { dir: string; app: SqliteDatabase; bare: SqliteDatabase } | undefined;

  it('opens a real encrypted, migrated file in a folder of its own, keyed the same for a bare open', () => {
    const app = store.open();
    expect(app.name).toBe(store.path);
    expect(store.path).toBe(join(store.dir, 'kizuna.db'));
    const version = app.pragma('user_version', { simple: true });
    expect(version).toBeGreaterThan(0);
    app.close();
    // The bare handle reads the pages the app encrypted, so it has the same key; it runs no migrations of its own.
    const bare = store.openBare();
    expect(bare.pragma('user_version', { simple: true })).toBe(version);
    first = { dir: store.dir, app: store.open(join(store.dir, 'other.db')), bare };
  });

  it('closed every database the last test left open and removed its folder', () => {
    expect(first).toBeDefined();
    if (first === undefined) return;
    expect([first.app.open, first.bare.open]).toEqual([false, false]);
    expect(existsSync(first.dir)).toBe(false);
    expect(store.dir).not.toBe(first.dir);
    expect(existsSync(store.dir)).toBe(true);
  });

  it('refuses to name the folder outside a test', () => {
    expect(String(outside)).toMatch(/only while a test runs/);
  });
});
