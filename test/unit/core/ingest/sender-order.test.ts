import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { fromBase64Url } from '../../../../main/core/encoding/base64url.js';
import { HOLD_MS } from '../../../../main/core/ingest/sender-order.js';
import type { EncryptionMode } from '../../../../shared/domain/views.js';
import { createWorldWithClocks, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

/**
 * Per-sender order (DESIGN.md, session: "per-sender ordering with gap detection and retransmission").
 * Seen in a loaded fault run: a member got a sender's 4..7 before 3 (3 was published as the member's
 * subscription landed after a node restart, and came again later) and showed them in that order.
 */
describe.each<EncryptionMode>(['none', 'sealed', 'mls'])('a sender\'s messages are shown in its order (%s)', (mode) => {
  let world: TestWorld;
  /** Bob's clock runs this far ahead of the others' (a hold that times out, without waiting for it). */
  let bobAhead = 0;

  async function setUp(): Promise<{ alice: Engine; bob: Engine; g: string }> {
    world = await createWorldWithClocks(['alice', 'bob', 'carol'], { bob: () => Date.now() + bobAhead });
    const [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    const g = await joinedGroup(world, alice, [bob, carol], mode);
    return { alice, bob, g };
  }

  afterEach(async () => {
    bobAhead = 0;
    await world.close();
  });

  /** Alice's texts, taken out of her outbox instead of being delivered. */
  async function write(alice: Engine, g: string, texts: string[]): Promise<Uint8Array[]> {
    for (const t of texts) await alice.sendText(g, t);
    const jobs = alice.outbox.due(1000).filter((j) => j.type === 'MESSAGE');
    for (const j of jobs) alice.outbox.markDone(j);
    return jobs.map((j) => j.bytes);
  }

  it('holds the later ones until the missing one comes, then shows them in order', async () => {
    const { alice, bob, g } = await setUp();
    const shown: string[] = [];
    bob.events.on('message', (m) => shown.push(m.text));
    const [m1, m2, m3, m4, m5] = await write(alice, g, ['1', '2', '3', '4', '5']);
    bob.receive(m1!);
    await bob.inbox.idle();
    for (const m of [m3, m4, m5]) bob.receive(m!);
    await bob.inbox.idle();
    expect(shown).toEqual(['1']);
    expect(bob.stats().inbox['deferred']).toBe(3);
    // The gap is visible to catch-up at once (it asks the group for 2), not at alice's next heartbeat.
    expect(bob.channels.missing(fromBase64Url(g))).toBeGreaterThan(0);
    bob.receive(m2!);
    await bob.inbox.idle();
    expect(shown).toEqual(['1', '2', '3', '4', '5']);
    expect(bob.latestMessages(g, 10).messages.map((m) => m.text)).toEqual(['1', '2', '3', '4', '5']);
    expect(bob.stats().dropped).toEqual({});
  });

  it('shows them anyway when the gap does not close in time, and the late one after', async () => {
    const { alice, bob, g } = await setUp();
    const shown: string[] = [];
    bob.events.on('message', (m) => shown.push(m.text));
    const [m1, m2, m3, m4, m5] = await write(alice, g, ['1', '2', '3', '4', '5']);
    bob.receive(m1!);
    for (const m of [m3, m4]) bob.receive(m!);
    await bob.inbox.idle();
    expect(shown).toEqual(['1']);
    bobAhead = HOLD_MS + 1;
    bob.receive(m5!);
    await bob.inbox.idle();
    expect(shown).toEqual(['1', '3', '4', '5']);
    bob.receive(m2!);
    await bob.inbox.idle();
    expect(shown).toEqual(['1', '3', '4', '5', '2']);
  });

  it('does not hold a forged envelope in a member\'s name, nor ask for what it claims', async () => {
    const { alice, bob, g } = await setUp();
    const [m1, , m3] = await write(alice, g, ['1', '2', '3']);
    bob.receive(m1!);
    await bob.inbox.idle();
    const forged = new Uint8Array(m3!);
    forged[forged.length - 1]! ^= 0xff;
    bob.receive(forged);
    await bob.inbox.idle();
    expect(bob.stats().inbox['deferred'] ?? 0).toBe(0);
    expect(bob.channels.missing(fromBase64Url(g))).toBe(0);
  });
});
