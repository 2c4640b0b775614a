import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { storeEachTest } from '../../../helpers/temp-store.js';

/**
 * The Store's commit listener (the checkpoint worker's wake-up) hears of every commit, also one after which a
 * storage-health listener throws: a commit it did not hear of stays in the WAL while the worker sleeps.
 */
describe('the Store commit listener', () => {
  const store = storeEachTest('kizuna-commit-listener-');

  it('is told of a commit before the health listeners, so one of them that throws does not keep it from it', () => {
    const s = store();
    let commits = 0;
    s.onCommit(() => (commits += 1));
    // A write failed on a full disk; the next one that lands sets the health back to ok, and a listener throws then.
    s.health.noteFailure(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    s.health.onChange((h) => {
      if (h.state === 'ok') throw new Error('a health listener that throws');
    });
    expect(() => s.write.log.markSeen(randomBytes(16), 1)).toThrow('a health listener that throws');
    expect(commits).toBe(1);
    s.health.noteFailure(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expect(() => s.transaction(() => s.write.log.markSeen(randomBytes(16), 2))).toThrow('a health listener that throws');
    expect(commits).toBe(2);
  });
});
