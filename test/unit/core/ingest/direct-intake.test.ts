import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { DIRECT_MAX } from '../../../../main/core/ingest/direct-intake.js';
import { createWorld, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

/**
 * Direct intake (issue 13): a few envelopes received while the inbox is idle are applied without an
 * inbox row, and acked only once the commit that applied them landed. Real engines and stores, MLS.
 */
describe('direct intake', () => {
  let world: TestWorld;
  afterEach(() => world.close());

  async function setUp(): Promise<{ alice: Engine; bob: Engine; carol: Engine; g: string }> {
    world = await createWorld('alice', 'bob', 'carol');
    const [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    const g = await joinedGroup(world, alice, [bob, carol], 'mls');
    return { alice, bob, carol, g };
  }

  /** Alice's texts, taken out of her outbox instead of being delivered. */
  async function write(alice: Engine, g: string, texts: string[]): Promise<Uint8Array[]> {
    for (const t of texts) await alice.sendText(g, t);
    const jobs = alice.outbox.due(1000).filter((j) => j.type === 'MESSAGE');
    for (const j of jobs) alice.outbox.markDone(j);
    return jobs.map((j) => j.bytes);
  }

  const inboxRows = (e: Engine): number => (e.store.db.prepare('SELECT count(*) AS n FROM inbox').get() as { n: number }).n;
  /** What a member holds of a group: its messages, its channel log, its unread count, its drops. */
  function holdings(e: Engine, g: string): unknown {
    const groupId = Buffer.from(g, 'base64url');
    return {
      messages: e.latestMessages(g, 100).messages.map((m) => ({ id: m.id, text: m.text, sender: m.sender, sentAt: m.sentAt, kind: m.kind, state: m.sendState })),
      log: e.store.db
        .prepare('SELECT hex(sender) AS sender, seq, type, hex(envelope_id) AS envelope FROM channel_log WHERE group_id = ? ORDER BY sender, seq')
        .all(groupId),
      unread: e.getGroup(g).unreadCount,
      found: e.search('text').map((m) => m.id),
      dropped: e.stats().dropped,
    };
  }

  it('applies envelopes received while idle without inbox rows, acks each after it is applied, and ends where the inbox path ends', async () => {
    const { alice, bob, carol, g } = await setUp();
    const texts = Array.from({ length: DIRECT_MAX + 4 }, (_, i) => `text ${i}`);
    const envelopes = await write(alice, g, texts);
    const bobRows = inboxRows(bob);
    // Nothing waits in the inbox table meanwhile, so no batch of it is read.
    const batches = vi.spyOn(bob.store.read.queue, 'inboxBatch');
    for (const [i, bytes] of envelopes.entries()) {
      expect(await bob.receive(bytes)).toBe(true);
      // Acked (resolved) only once applied: the message is already there, in the same commit.
      expect(bob.latestMessages(g, 100).messages.map((m) => m.text).at(-1)).toBe(texts[i]);
      // Idle again (the search index's turn comes after the commit) before the next one arrives.
      await bob.inbox.idle();
    }
    expect(inboxRows(bob)).toBe(bobRows);
    expect(batches).not.toHaveBeenCalled();
    batches.mockRestore();

    // Carol gets them all in one tick: more than the direct path takes, so they go through the inbox table.
    const carolRows = inboxRows(carol);
    await Promise.all(envelopes.map((bytes) => carol.receive(bytes)));
    await carol.inbox.idle();
    expect(inboxRows(carol)).toBe(carolRows + envelopes.length);

    expect(holdings(bob, g)).toEqual(holdings(carol, g));
    expect((holdings(bob, g) as { messages: unknown[] }).messages).toHaveLength(texts.length);
  });

  it('writes an inbox row for an envelope it defers, which waits there until the gap before it closes', async () => {
    const { alice, bob, g } = await setUp();
    const [m1, m2, m3] = await write(alice, g, ['1', '2', '3']);
    const shown: string[] = [];
    bob.events.on('message', (m) => shown.push(m.text));
    const rows = inboxRows(bob);
    await bob.receive(m1!);
    // 3 before 2: held for its sender's order, so it needs a row to wait in (acked once that row is committed).
    await bob.receive(m3!);
    await bob.inbox.idle();
    expect(shown).toEqual(['1']);
    expect(bob.stats().inbox['deferred']).toBe(1);
    expect(inboxRows(bob)).toBe(rows + 1);
    await bob.receive(m2!);
    await bob.inbox.idle();
    expect(shown).toEqual(['1', '2', '3']);
    expect(bob.stats().inbox['deferred'] ?? 0).toBe(0);
  });

  it('leaves nothing written and sends no ack when the store refuses the commit; the sender sending again gets it applied once', async () => {
    const { alice, bob, g } = await setUp();
    const [m1] = await write(alice, g, ['only once']);
    const rows = inboxRows(bob);
    const logged = (): number => (bob.store.db.prepare(`SELECT count(*) AS n FROM channel_log WHERE type = 'MESSAGE'`).get() as { n: number }).n;
    const loggedBefore = logged();
    // The store refuses every write (a real SQLite refusal, as a read-only or full disk gives).
    bob.store.db.pragma('query_only = ON');
    let acked = false;
    void bob.receive(m1!).then(() => (acked = true));
    await bob.inbox.idle();
    expect(acked).toBe(false);
    bob.store.db.pragma('query_only = OFF');
    expect(bob.latestMessages(g, 10).messages).toEqual([]);
    expect(logged()).toBe(loggedBefore);
    expect(inboxRows(bob)).toBe(rows);

    // Unacked, so the sender sends it again: applied (its MLS keys were not spent by the failed try), once.
    expect(await bob.receive(m1!)).toBe(true);
    await bob.inbox.idle();
    expect(bob.latestMessages(g, 10).messages.map((m) => m.text)).toEqual(['only once']);
    expect(logged()).toBe(loggedBefore + 1);
    expect(acked).toBe(false);
  });
});
