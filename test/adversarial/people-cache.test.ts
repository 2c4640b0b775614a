import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createStatementCache } from '../../main/core/store/statement-cache.js';
import { PeopleCache, peopleReader, peopleWriter } from '../../main/core/store/tables/people-table.js';
import { databaseFileEachTest } from '../helpers/temp-database.js';

/**
 * The people cache remembers who is not there too (most members of a large group are no contact of ours). Every
 * signed envelope may come from a key nobody has seen (an outsider makes as many as it likes), and some are looked
 * up (an invitation's sender, a reply name): what that makes us hold stays bounded, and a person remembered as
 * absent is found once they are written.
 */
describe('an outsider looking up people from fresh keys', () => {
  const file = databaseFileEachTest();

  it('makes us remember at most 10,000 people at a time, and hides nobody who is there or comes later', () => {
    const db = file.open();
    const prepare = createStatementCache(db);
    const cache = new PeopleCache();
    const read = peopleReader(prepare, cache);
    const write = peopleWriter(prepare, cache);
    const bob = new Uint8Array(randomBytes(32));
    write.upsert({ userId: bob, boxPublic: new Uint8Array(32), displayName: 'bob', slimName: 'org/ns/bob' }, 1);
    expect(read.get(bob)?.displayName).toBe('bob');

    const carol = new Uint8Array(randomBytes(32));
    expect(read.get(carol)).toBeUndefined();
    let largest = 0;
    for (let i = 0; i < 25_000; i++) {
      expect(read.get(new Uint8Array(randomBytes(32)))).toBeUndefined();
      largest = Math.max(largest, cache.rows.size);
    }
    expect(largest).toBe(10_000);
    expect(read.get(bob)?.displayName).toBe('bob');

    // Remembered as absent, then written: the write makes the reader look again.
    expect(read.get(carol)).toBeUndefined();
    const before = read.generation();
    write.upsert({ userId: carol, boxPublic: new Uint8Array(32), displayName: 'carol', slimName: 'org/ns/carol' }, 2);
    expect(read.get(carol)?.displayName).toBe('carol');
    expect(read.generation()).toBeGreaterThan(before);
  });
});
