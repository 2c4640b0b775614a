import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../shared/domain/slim-name.js';
import { fromBase64Url, toBase64Url } from '../../main/core/encoding/base64url.js';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { generateBoxKeyPair } from '../../main/core/crypto/box.js';
import { generateSigningKeyPair } from '../../main/core/crypto/signing.js';
import { KIZUNA_PAYLOAD_TYPE } from '../../main/core/session/session-options.js';
import { FANOUT_ONE } from '../../main/core/transport/slim-wire-enums.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import { userId } from '../helpers/test-engines.js';
import { waitUntil } from '../helpers/wait-for.js';
import { sealedGroupOfAll, sessionWorld, type SessionWorld } from '../integration/session/session-world.js';

/**
 * Received acks are applied a turn's worth at a time (session/ack-intake.ts). Acks written back to back
 * on one connection arrive together: forged ones among them (in a member's name with another key, or an
 * outsider's own) count for nothing and do not keep the genuine ones from counting.
 */
describe('forged acks among genuine ones, over a real SLIM node', () => {
  let world: SessionWorld;

  beforeEach(async () => {
    world = await sessionWorld(['alice', 'bob', 'carol']);
  });
  afterEach(() => world.close());

  it('counts the genuine acks of a burst and nothing of the forged ones', async () => {
    const [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    const groupId = await sealedGroupOfAll(world.engines, 'Acks');
    const g = fromBase64Url(groupId)!;
    // Bob and Carol go away: every ack Alice gets from here on is one written below.
    await world.sessions[1]!.close();
    await world.sessions[2]!.close();
    const m1 = fromBase64Url((await alice.sendText(groupId, 'one')).id)!;
    const m2 = fromBase64Url((await alice.sendText(groupId, 'two')).id)!;
    const aliceCtx = engineContextOf(alice);
    const aliceId = aliceCtx.self().userId;

    const ackBody = (ids: Uint8Array[]): Uint8Array => encodeWire('Ack', { envelopeIds: ids });
    const fields = (ids: Uint8Array[]) => ({ groupId: g, epoch: 0, type: 'ACK' as const, seq: 0 as const, sentAt: Date.now(), body: ackBody(ids), recipient: aliceId });
    const keys = { ...generateSigningKeyPair(), box: generateBoxKeyPair() };
    const mallory = { userId: keys.publicKey, signPublic: keys.publicKey, signSecret: keys.secretKey, boxPublic: keys.box.publicKey, boxSecret: keys.box.secretKey, displayName: 'm', slimName: 'evil/ns/mallory', createdAt: 0 };
    const asCarol = { ...mallory, userId: fromBase64Url(userId(carol))!, signPublic: fromBase64Url(userId(carol))! };
    const burst = [
      bob.signEnvelope(fields([m1, m2])).bytes,
      // Carol never acked message two: one in her name, signed with Mallory's key, says she did ...
      buildEnvelope(asCarol, fields([m1, m2])).bytes,
      // ... and Mallory, no member, acks both in her own name.
      buildEnvelope(mallory, fields([m1, m2])).bytes,
      carol.signEnvelope(fields([m1])).bytes,
    ];
    const client = await world.kit.client(world.node.endpoint, 'evil/ns/mallory');
    const to = parseSlimName(aliceCtx.self().slimName);
    for (const bytes of burst) client.publish(to, bytes, { payloadType: KIZUNA_PAYLOAD_TYPE, fanout: FANOUT_ONE });

    // Carol's genuine ack, the last written, makes message one delivered: everything before it was handled.
    await waitUntil(alice.events, 'send-state', () => alice.getMessage(toBase64Url(m1)).sendState === 'delivered', 15_000);
    const deliveredTo = (id: Uint8Array): string[] => aliceCtx.store.read.messages.deliveries(id).map((d) => toBase64Url(d.member)).sort();
    expect(deliveredTo(m1)).toEqual([userId(bob), userId(carol)].sort());
    expect(deliveredTo(m2)).toEqual([userId(bob)]);
    expect(alice.getMessage(toBase64Url(m2)).sendState).not.toBe('delivered');
    expect(aliceCtx.store.read.queue.outboxByEnvelope(m1).map((j) => j.state)).toEqual(['acked']);
    expect(aliceCtx.store.read.queue.outboxByEnvelope(m2).map((j) => j.state)).not.toContain('acked');
  }, 60_000);

  it("stores no delivery for ids that are not Alice's own envelopes of the acked group", async () => {
    const [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    const groupId = await sealedGroupOfAll(world.engines, 'Acks');
    const otherId = await sealedGroupOfAll(world.engines, 'Other');
    const g = fromBase64Url(groupId)!;
    const aliceCtx = engineContextOf(alice);
    // Bob's own message: Alice received it, so its id is in her store, but it is not hers to have delivered.
    const bobs = await bob.sendText(groupId, 'from bob');
    const has = (id: string): boolean => aliceCtx.store.read.messages.get(fromBase64Url(id)!) !== undefined;
    await waitUntil(alice.events, 'message', () => has(bobs.id), 15_000);
    await world.sessions[1]!.close();
    await world.sessions[2]!.close();
    const mine = fromBase64Url((await alice.sendText(groupId, 'mine')).id)!;
    const elsewhere = fromBase64Url((await alice.sendText(otherId, 'elsewhere')).id)!;
    const fields = (ids: Uint8Array[]) => ({
      groupId: g, epoch: 0, type: 'ACK' as const, seq: 0 as const, sentAt: Date.now(),
      body: encodeWire('Ack', { envelopeIds: ids }), recipient: aliceCtx.self().userId,
    });
    const madeUp = Array.from({ length: 2_000 }, () => new Uint8Array(randomBytes(32)));
    // Bob, a member, signs acks in the group for made-up ids, for Alice's message of another group and for his own.
    const burst = [
      bob.signEnvelope(fields([...madeUp, elsewhere, fromBase64Url(bobs.id)!])).bytes,
      bob.signEnvelope(fields([mine])).bytes,
      carol.signEnvelope(fields([mine])).bytes,
    ];
    const client = await world.kit.client(world.node.endpoint, 'evil/ns/bob-again');
    const to = parseSlimName(aliceCtx.self().slimName);
    for (const bytes of burst) client.publish(to, bytes, { payloadType: KIZUNA_PAYLOAD_TYPE, fanout: FANOUT_ONE });

    await waitUntil(alice.events, 'send-state', () => alice.getMessage(toBase64Url(mine)).sendState === 'delivered', 15_000);
    // Deliveries rows that name neither an outbox envelope nor a message of Alice's own.
    const strays = aliceCtx.store.db
      .prepare(
        `SELECT count(*) AS n FROM deliveries d WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.envelope_id = d.envelope_id)
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = d.envelope_id AND m.sender = ?)`,
      )
      .get(aliceCtx.self().userId) as { n: number };
    expect(strays.n).toBe(0);
    expect(aliceCtx.store.read.messages.deliveries(elsewhere)).toEqual([]);
    expect(alice.getMessage(toBase64Url(elsewhere)).sendState).not.toBe('delivered');
    expect(aliceCtx.store.read.messages.deliveries(fromBase64Url(bobs.id)!)).toEqual([]);
  }, 60_000);
});
