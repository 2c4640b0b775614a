import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStatementCache, type Prepare } from '../../../../main/core/store/statement-cache.js';

/**
 * The statement cache tells its observer (the store's health, and through the Store the checkpoint
 * worker's wake-up) about every write statement's outcome: also one that hands rows back
 * (INSERT ... RETURNING through get or all), which is a reader to better-sqlite3 and was not observed.
 */
describe('the statement cache write observer', () => {
  let db: Database.Database;
  let prepare: Prepare;
  const seen = { ok: 0, failed: [] as unknown[] };
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
    seen.ok = 0;
    seen.failed = [];
    prepare = createStatementCache(db, {
      ok: () => (seen.ok += 1),
      failed: (err) => {
        seen.failed.push(err);
        return new Error('observed failure', { cause: err });
      },
    });
  });
  afterEach(() => db.close());

  it('reports a write that returns rows, through get and all, outside a transaction', () => {
    expect(prepare('INSERT INTO t (v) VALUES (?) RETURNING id').get('a')).toEqual({ id: 1 });
    expect(prepare('DELETE FROM t WHERE v = ? RETURNING id').all('a')).toEqual([{ id: 1 }]);
    expect(seen.ok).toBe(2);
  });

  it('hands a failing returning write to the observer and throws what it returns', () => {
    prepare('INSERT INTO t (v) VALUES (?)').run('a');
    expect(() => prepare('INSERT INTO t (v) VALUES (?) RETURNING id').get('a')).toThrow('observed failure');
    expect(seen.failed).toHaveLength(1);
    expect(seen.ok).toBe(1);
  });

  it('leaves reads unobserved and writes inside a transaction to the commit', () => {
    prepare('SELECT v FROM t').all();
    db.transaction(() => prepare('INSERT INTO t (v) VALUES (?) RETURNING id').get('b'))();
    expect(seen.ok).toBe(0);
  });
});
