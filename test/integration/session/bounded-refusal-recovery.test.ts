import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/core/engine/engine.js';
import { SessionLayer } from '../../../main/core/session/session-layer.js';
import { userId } from '../../helpers/test-engines.js';
import { waitUntil } from '../../helpers/wait-for.js';
import { IN_PROCESS_TIMINGS, sealedGroupOfAll, sessionWorld, type SessionWorld } from './session-world.js';

/**
 * Issue 13: what a receiver refuses because of one of its own bounds (here the per-sender cap on
 * deferred rows, deferred-bounds.ts) is not lost. A refused envelope is not in the receiver's log, so
 * its cursor stays below it and catch-up asks the group for it again.
 */
describe('catch-up brings back what a bound refused (a real SLIM node)', () => {
  let world: SessionWorld;
  let engines: Engine[];
  let groupId: string;

  beforeEach(async () => {
    world = await sessionWorld(['alice', 'bob', 'carol', 'dave']);
    engines = world.engines;
    groupId = await sealedGroupOfAll(engines, 'Bounds');
  });

  afterEach(async () => {
    await world.close();
  });

  it("a sender's envelopes dropped by the deferred cap arrive by catch-up, all of them, once", async () => {
    const [alice, bob, carol, dave] = engines as [Engine, Engine, Engine, Engine];
    const SENT = 10;
    const CAP = 3;
    bob.inbox.deferredBounds.configure({ perSender: CAP });
    await world.sessions[1]!.close();
    // A new epoch bob has not seen, and carol writes in it.
    const epoch = bob.getGroup(groupId).epoch;
    const atCarol = waitUntil(carol.events, 'group', () => carol.getGroup(groupId).epoch > epoch, 15_000);
    await alice.removeMembers(groupId, [userId(dave)]);
    await atCarol;
    // Carol writes while offline: her envelopes, as her engine built and signed them, wait in her outbox.
    await world.sessions[2]!.close();
    for (let i = 0; i < SENT; i++) await carol.sendText(groupId, `c${i}`);
    const sent = carol.outbox.due(1_000).filter((j) => j.type === 'MESSAGE' && j.destination === 'group').map((j) => j.bytes);
    expect(sent).toHaveLength(SENT);

    // They reach bob before the version that opens their epoch: CAP wait, the rest are refused by the bound.
    for (const bytes of sent) await bob.receive(bytes);
    await bob.inbox.idle();
    expect(bob.stats().inbox['deferred']).toBe(CAP);
    expect(bob.stats().dropped['deferred-sender-cap']).toBe(SENT - CAP);

    // Carol publishes them to the group (alice takes them) and goes away again: only catch-up can bring them to bob now.
    const atAlice = waitUntil(alice.events, 'message', () => alice.latestMessages(groupId, 50).messages.filter((m) => m.senderName === 'carol').length >= SENT, 30_000);
    world.sessions[2] = new SessionLayer(carol, { endpoint: world.node.endpoint, ...IN_PROCESS_TIMINGS });
    world.sessions[2].start();
    await atAlice;
    await world.sessions[2].close();

    // Bob back online: catch-up brings the version, and everything the bound refused.
    const all = waitUntil(bob.events, 'message', () => bob.latestMessages(groupId, 50).messages.filter((m) => m.senderName === 'carol').length >= SENT, 30_000);
    world.sessions[1] = new SessionLayer(bob, { endpoint: world.node.endpoint, ...IN_PROCESS_TIMINGS });
    world.sessions[1].start();
    await all;
    const texts = bob.latestMessages(groupId, 50).messages.filter((m) => m.senderName === 'carol').map((m) => m.text);
    expect(texts).toEqual(Array.from({ length: SENT }, (_, i) => `c${i}`));
    expect(bob.getGroup(groupId).epoch).toBe(alice.getGroup(groupId).epoch);
  }, 60_000);
});
