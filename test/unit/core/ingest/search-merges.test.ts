import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { MERGE_CHECK_EVERY, SEARCH_IDLE_BATCH } from '../../../../main/core/ingest/search-indexer.js';
import { loopbackGroupOfThree } from '../../../helpers/loopback-group.js';
import { newUser, tempDir } from '../../../helpers/test-engines.js';

/**
 * The search index's segments are merged in turns of their own, not inside the commits of index turns
 * (migration 0016, issue 13): a merge in an index commit held the event loop up to ~90 ms.
 */
describe('search index merges in turns of their own', () => {
  const dir = tempDir('kizuna-search-merges-');
  const engines: Engine[] = [];
  afterAll(async () => {
    for (const e of engines) await e.close();
    dir.cleanup();
  });

  /**
   * The index's segments, from its shadow table: FTS5 stores a segment's pages under rowids that carry
   * the segment's id from bit 37 up (id 0: the structure record and the averages).
   */
  const segments = (e: Engine): number =>
    (e.store.db.prepare('SELECT count(DISTINCT id >> 37) AS n FROM messages_fts_data WHERE id >> 37 > 0').get() as { n: number }).n;
  const config = (e: Engine, key: string): unknown =>
    (e.store.db.prepare('SELECT v FROM messages_fts_config WHERE k = ?').get(key) as { v: unknown } | undefined)?.v;
  const indexed = (e: Engine, term: string): number =>
    (e.store.db.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(`"${term}"`) as { n: number }).n;

  it('writes one segment per index turn, merges none there, and merges them in turns of their own', async () => {
    const alice = (await newUser(dir.path, 'alice')).engine;
    const bob = (await newUser(dir.path, 'bob')).engine;
    const carol = (await newUser(dir.path, 'carol')).engine;
    engines.push(alice, bob, carol);
    const { groupId: g, net } = await loopbackGroupOfThree(alice, bob, carol, 'none', 'merges');
    net.setOffline(carol, true);
    expect(config(carol, 'automerge')).toBe(0);
    expect(config(carol, 'usermerge')).toBe(16);
    expect(config(carol, 'crisismerge')).toBe(64);

    let sent = 0;
    /** A batch's worth of messages reaches carol, whose inbox then goes idle (one index turn or more). */
    const round = async (): Promise<void> => {
      for (let i = 0; i < SEARCH_IDLE_BATCH; i++) await alice.sendText(g, `message ${sent++} 金木犀`);
      for (const job of alice.outbox.due(500).filter((j) => j.type === 'MESSAGE')) {
        void carol.receive(job.bytes);
        alice.outbox.markDone(job);
      }
      await carol.inbox.idle();
    };

    // The real steps, watched: the segments there were when each index turn began, and what it indexed.
    const messages = carol.store.write.messages;
    const indexPending = messages.indexPendingSearch;
    const turns: { segmentsBefore: number; rows: number }[] = [];
    const index = vi.spyOn(messages, 'indexPendingSearch').mockImplementation((limit) => {
      const segmentsBefore = segments(carol);
      const rows = indexPending(limit);
      turns.push({ segmentsBefore, rows });
      return rows;
    });
    // First with the merge turns held back: what the index turns alone do to the segments (a merge
    // takes 16 of one level, so 17 rounds leave more than enough).
    const merge = vi.spyOn(messages, 'mergeSearchIndex').mockReturnValue(false);
    for (let r = 0; r < 17; r++) await round();
    const unmerged = segments(carol);
    // Each turn that indexed rows added exactly one segment by the time the next began: none merged in a commit.
    for (let k = 0; k + 1 < turns.length; k++) {
      expect(turns[k + 1]!.segmentsBefore - turns[k]!.segmentsBefore, `index turn ${k}`).toBe(turns[k]!.rows > 0 ? 1 : 0);
    }
    expect(turns.filter((t) => t.rows > 0).length).toBeGreaterThanOrEqual(17);
    expect(unmerged).toBeGreaterThanOrEqual(17);
    expect(merge).toHaveBeenCalled();

    // Now the inbox merges for real, a bounded step per turn, until a step finds nothing to do.
    merge.mockRestore();
    const steps: boolean[] = [];
    const mergeStep = messages.mergeSearchIndex;
    const watched = vi.spyOn(messages, 'mergeSearchIndex').mockImplementation((pages) => {
      const worked = mergeStep(pages);
      steps.push(worked);
      return worked;
    });
    // Merging is looked at every few index turns (one a round here).
    for (let r = 0; r < MERGE_CHECK_EVERY && !steps.some(Boolean); r++) await round();
    expect(steps.filter(Boolean).length).toBeGreaterThan(0);
    expect(steps.at(-1)).toBe(false);
    // Sixteen of them became one.
    expect(segments(carol)).toBeLessThan(unmerged / 2);
    expect(indexed(carol, '金木犀')).toBe(sent);
    // The newest number, which no other message's number contains.
    expect(carol.search(`message ${sent - 1}`).map((m) => m.text)).toEqual([`message ${sent - 1} 金木犀`]);
    watched.mockRestore();
    index.mockRestore();
  });
});
