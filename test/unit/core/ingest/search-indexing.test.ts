import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { loopbackGroupOfThree } from '../../../helpers/loopback-group.js';
import { newUser, tempDir } from '../../../helpers/test-engines.js';

/**
 * Received messages enter the search index in the inbox's own turns, many per transaction, once the
 * burst is stored (migration 0013, issue 13): when the inbox is idle nothing is left pending, and the
 * index itself (not only the search's catch-up) finds every message.
 */
describe('search indexing after a received burst', () => {
  const dir = tempDir('kizuna-search-index-');
  const engines: Engine[] = [];

  afterAll(async () => {
    for (const e of engines) await e.close();
    dir.cleanup();
  });

  it('indexes every received message by the time the inbox is idle', async () => {
    const alice = (await newUser(dir.path, 'alice')).engine;
    const bob = (await newUser(dir.path, 'bob')).engine;
    const carol = (await newUser(dir.path, 'carol')).engine;
    engines.push(alice, bob, carol);
    const { net, groupId: g } = await loopbackGroupOfThree(alice, bob, carol, 'none', 'indexed');
    net.setOffline(carol, true);
    for (let i = 0; i < 60; i++) await alice.sendText(g, `searchable burst ${i} 東京タワー`);
    const envelopes = alice.outbox.due(200).filter((j) => j.type === 'MESSAGE').map((j) => j.bytes);
    expect(envelopes).toHaveLength(60);
    for (const bytes of envelopes) void carol.receive(bytes);
    await carol.inbox.idle();
    const db = carol.store.db;
    expect(db.prepare('SELECT count(*) AS n FROM search_pending').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get('"東京タワー"')).toEqual({ n: 60 });
    expect(carol.search('searchable burst 42')).toHaveLength(1);
  });
});
