import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { INITIAL_ROWS_PER_TURN, SEARCH_BACKLOG, SEARCH_IDLE_BATCH } from '../../../../main/core/ingest/search-indexer.js';
import { DEFAULT_TURN_BUDGET } from '../../../../main/core/ingest/turn-budget.js';
import { loopbackGroupOfThree } from '../../../helpers/loopback-group.js';
import { newUser, tempDir } from '../../../helpers/test-engines.js';

/**
 * Received messages enter the search index in the inbox's own turns, many per transaction, once the
 * burst is stored (migration 0013, issue 13). An idle inbox indexes only once a batch's worth of rows
 * is waiting (a conversation would otherwise pay a transaction per message); what is left pending is
 * still found, because a search indexes what is pending first.
 */
describe('search indexing after received messages', () => {
  const dir = tempDir('kizuna-search-index-');
  const engines: Engine[] = [];
  let alice: Engine;
  let carol: Engine;
  let g: string;

  afterAll(async () => {
    for (const e of engines) await e.close();
    dir.cleanup();
  });

  const pending = (): number => (carol.store.db.prepare('SELECT count(*) AS n FROM search_pending').get() as { n: number }).n;
  const indexed = (term: string): number =>
    (carol.store.db.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(`"${term}"`) as { n: number }).n;

  /** Alice sends the texts; carol (offline on the network) receives their envelopes directly, then her inbox goes idle. */
  async function carolReceives(texts: string[]): Promise<void> {
    for (const t of texts) await alice.sendText(g, t);
    const jobs = alice.outbox.due(texts.length + 10).filter((j) => j.type === 'MESSAGE');
    expect(jobs).toHaveLength(texts.length);
    for (const job of jobs) {
      void carol.receive(job.bytes);
      alice.outbox.markDone(job);
    }
    await carol.inbox.idle();
  }

  it('indexes every message of a burst by the time the inbox is idle', async () => {
    alice = (await newUser(dir.path, 'alice')).engine;
    const bob = (await newUser(dir.path, 'bob')).engine;
    carol = (await newUser(dir.path, 'carol')).engine;
    engines.push(alice, bob, carol);
    const setup = await loopbackGroupOfThree(alice, bob, carol, 'none', 'indexed');
    g = setup.groupId;
    setup.net.setOffline(carol, true);
    // The turns' sizes, from the real store: the first is small (its cost not yet known), then it follows the cost.
    const turns = vi.spyOn(carol.store.write.messages, 'indexPendingSearch');
    const burst = SEARCH_IDLE_BATCH + 60;
    await carolReceives(Array.from({ length: burst }, (_, i) => `searchable burst ${i} 東京タワー`));
    expect(pending()).toBe(0);
    expect(indexed('東京タワー')).toBe(burst);
    expect(turns.mock.calls[0]?.[0]).toBe(INITIAL_ROWS_PER_TURN);
    expect(turns.mock.calls.length).toBeGreaterThan(1);
    turns.mockRestore();
    expect(carol.search(`searchable burst ${burst - 1}`)).toHaveLength(1);
  });

  it('lets fewer than a batch wait on an idle inbox, yet a search finds them the moment they are received', async () => {
    await carolReceives(['just arrived kumquat']);
    expect(pending()).toBe(1);
    expect(indexed('kumquat')).toBe(0);
    // The UI's search: the message is found, and the search indexed what was pending.
    expect(carol.search('kumquat').map((m) => m.text)).toEqual(['just arrived kumquat']);
    expect(pending()).toBe(0);
    expect(indexed('kumquat')).toBe(1);
  });

  it('indexes on the idle that completes a batch, with no search asking', async () => {
    // One row already counts towards this batch (the previous test's message).
    const short = SEARCH_IDLE_BATCH - 2;
    await carolReceives(Array.from({ length: short }, (_, i) => `batched ${i} persimmon`));
    expect(pending()).toBe(short);
    expect(indexed('persimmon')).toBe(0);
    await carolReceives(['batched last persimmon']);
    expect(pending()).toBe(0);
    expect(indexed('persimmon')).toBe(short + 1);
  });

  it('reads each row of a long burst once, though index turns come between its reads', async () => {
    // Past the backlog by more than one read can take: some pass starts with the backlog reached and
    // rows still to read (or, if the pool has not written them yet, the idle inbox indexes first).
    const count = SEARCH_BACKLOG + DEFAULT_TURN_BUDGET.maxRows + 100;
    const turns = vi.spyOn(carol.store.write.messages, 'indexPendingSearch');
    const reads = vi.spyOn(carol.store.read.queue, 'inboxBatch');
    const reasons: string[] = [];
    const off = carol.events.on('dropped', (d) => reasons.push(d.reason));
    await carolReceives(Array.from({ length: count }, (_, i) => `long burst ${i} quince`));
    off();
    expect(reasons).toEqual([]);
    // The backlog paused the burst for index turns: a row read before such a turn was read again after it.
    const rowsRead = reads.mock.results.map((r) => (r.value as unknown[]).length);
    const firstTurn = turns.mock.invocationCallOrder[0] ?? Infinity;
    expect(reads.mock.invocationCallOrder.some((order, i) => order > firstTurn && (rowsRead[i] ?? 0) > 0)).toBe(true);
    expect(rowsRead.reduce((n, r) => n + r, 0)).toBe(count);
    turns.mockRestore();
    reads.mockRestore();
    expect(indexed('quince')).toBe(count);
  });
});
