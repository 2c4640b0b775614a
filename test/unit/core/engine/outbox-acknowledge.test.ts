import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { fromBase64Url } from '../../../../main/core/encoding/base64url.js';
import { createWorld, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

/**
 * What an ack makes of our channel envelopes (engine-outbox.ts): the job finishes and the message
 * turns delivered once every other joined member of the envelope's own group acked it. The ack's
 * roster and deliveries are read once per ack (issue 13), which must not let an ack that names
 * another group measure an envelope against that group's members.
 */
describe('acknowledging our channel envelopes', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine, dave: Engine;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol', 'dave');
    [alice, bob, carol, dave] = world.engines as [Engine, Engine, Engine, Engine];
  });
  afterEach(() => world.close());

  const id = (e: Engine): Uint8Array => e.selfId();
  const jobStates = (envelopeId: Uint8Array): string[] => alice.store.read.queue.outboxByEnvelope(envelopeId).map((j) => j.state);

  it('finishes a job and delivers its message only when every other member of its own group acked, whatever group an ack names', async () => {
    const one = await joinedGroup(world, alice, [bob, carol], 'none', 'One');
    const two = await joinedGroup(world, alice, [bob, dave], 'none', 'Two');
    const g1 = fromBase64Url(one)!;
    const g2 = fromBase64Url(two)!;
    // Queued, not published: only the acks below decide what becomes of them.
    const m1 = await alice.sendText(one, 'to one');
    const m2 = await alice.sendText(two, 'to two');
    const e1 = fromBase64Url(m1.id)!;
    const e2 = fromBase64Url(m2.id)!;
    const delivered: string[] = [];
    alice.events.on('send-state', (s) => {
      if (s.state === 'delivered') delivered.push(s.messageId);
    });

    expect(alice.outbox.acknowledge({ groupId: g2, from: id(bob), envelopeIds: [e2] })).toBe(false);
    // Carol is in group one only: an ack naming group one for group two's envelope, where bob and
    // carol (group one's others) have now both acked it, must not finish it.
    expect(alice.outbox.acknowledge({ groupId: g1, from: id(carol), envelopeIds: [e2] })).toBe(false);
    expect(jobStates(e2)).toEqual(['pending']);
    expect(alice.getMessage(m2.id).sendState).not.toBe('delivered');

    // Bob and carol acking in one ack each, in group one: the second finishes it.
    expect(alice.outbox.acknowledge({ groupId: g1, from: id(bob), envelopeIds: [e1] })).toBe(false);
    expect(jobStates(e1)).toEqual(['pending']);
    expect(alice.outbox.acknowledge({ groupId: g1, from: id(carol), envelopeIds: [e1] })).toBe(true);
    expect(jobStates(e1)).toEqual(['acked']);
    expect(alice.getMessage(m1.id).sendState).toBe('delivered');

    // Dave, the last of group two's others, finishes group two's.
    expect(alice.outbox.acknowledge({ groupId: g2, from: id(dave), envelopeIds: [e2] })).toBe(true);
    expect(jobStates(e2)).toEqual(['acked']);
    expect(alice.getMessage(m2.id).sendState).toBe('delivered');
    expect(delivered).toEqual([m1.id, m2.id]);
  });
});
