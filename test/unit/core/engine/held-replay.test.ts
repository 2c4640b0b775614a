import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { readEnvelope } from '../../../../main/core/envelopes/envelope-reader.js';
import { decodeWire, encodeWire } from '../../../../main/core/wire/wire-codec.js';
import { signedEnvelopeSchema } from '../../../../main/core/wire/wire-schemas.js';
import { userId } from '../../../helpers/test-engines.js';
import { createWorld, type TestWorld } from '../../../helpers/test-world.js';

/** A sender's channel retries of an envelope we hold are settled before the inbox (held-replay.ts). */
describe('a re-published envelope we already hold', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
  });
  afterEach(() => world.close());

  const inboxRows = (e: Engine): number => (e.store.db.prepare('SELECT count(*) AS n FROM inbox').get() as { n: number }).n;

  it('is counted as a replay without an inbox row, and a copy with a forged signature is never applied nor verifiable for an ack', async () => {
    const g = await alice.createGroup({ name: 'Retries', members: [userId(bob), userId(carol)], mode: 'mls' });
    await world.net.settle();
    await bob.acceptInvitation(g.groupId);
    await carol.acceptInvitation(g.groupId);
    await world.net.settle();
    await alice.sendText(g.groupId, 'once');
    await world.net.settle();
    await bob.inbox.idle();
    const held = bob.store.db.prepare("SELECT bytes FROM channel_log WHERE type = 'MESSAGE'").get() as { bytes: Uint8Array };
    const rowsBefore = inboxRows(bob);
    const replaysBefore = bob.stats().dropped['replay'] ?? 0;
    const dropped = bob.events.waitFor('dropped', (d) => d.reason === 'replay');

    // The genuine copy again: stored already, so "kept" (the router acks it once its signature verifies).
    expect(await bob.receive(new Uint8Array(held.bytes), 'network')).toBe(true);
    await dropped;
    expect(inboxRows(bob)).toBe(rowsBefore);
    expect(bob.stats().dropped['replay']).toBe(replaysBefore + 1);

    // Same envelope, another signature: settled the same way, nothing applied, and the signature
    // check the router makes before any ack refuses it.
    const signed = decodeWire('SignedEnvelope', signedEnvelopeSchema, new Uint8Array(held.bytes));
    const signature = new Uint8Array(signed.signature);
    signature[0] = (signature[0] ?? 0) ^ 0xff;
    const forged = encodeWire('SignedEnvelope', { envelope: signed.envelope, signature });
    expect(await bob.receive(forged, 'network')).toBe(true);
    expect(() => readEnvelope(forged, { checked: bob.checkedSignatures })).toThrow();
    await bob.inbox.idle();
    expect(inboxRows(bob)).toBe(rowsBefore);
    expect(bob.latestMessages(g.groupId, 10).messages.map((m) => m.text)).toEqual(['once']);
  });
});
