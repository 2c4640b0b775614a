import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import type { EncryptionMode } from '../../../../shared/domain/views.js';
import { createWorld, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

/**
 * Contents that must wait after decryption (a file chunk before its offer, a pin before its
 * message): MLS keys are single-use, so the decrypted content is held, not decrypted again.
 */
describe.each<EncryptionMode>(['mls', 'sealed'])('contents that arrive before what they refer to (%s)', (mode) => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    g = await joinedGroup(world, alice, [bob, carol], mode);
  });
  afterEach(() => world.close());

  /** Alice's queued MESSAGE envelopes, taken out of her outbox instead of being delivered. */
  function takeMessages(): Uint8Array[] {
    const jobs = alice.outbox.due(1000).filter((j) => j.type === 'MESSAGE');
    for (const j of jobs) alice.outbox.markDone(j);
    return jobs.map((j) => j.bytes);
  }

  it('a file whose chunks come before its offer still arrives whole', async () => {
    const bytes = new Uint8Array(600 * 1024).map((_, i) => (i * 7) % 256);
    const sent = await alice.sendFile(g, { name: 'late-offer.bin', mime: 'application/octet-stream', bytes });
    const [offer, ...chunks] = takeMessages();
    for (const c of chunks.reverse()) bob.receive(c);
    await bob.inbox.idle();
    expect(bob.stats().inbox['deferred']).toBe(chunks.length);
    bob.receive(offer!);
    await bob.inbox.idle();
    const file = bob.getMessage(sent.id).file;
    expect(file?.available).toBe(true);
    expect(Buffer.from(bob.readFile(sent.id).bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(bob.stats().dropped).toEqual({});
  });

  it('a pin that comes before its message applies once the message is there', async () => {
    const m = await alice.sendText(g, 'pin me');
    await alice.pin(g, m.id);
    const [message, pin] = takeMessages();
    bob.receive(pin!);
    await bob.inbox.idle();
    bob.receive(message!);
    await bob.inbox.idle();
    expect(bob.listPins(g).map((p) => p.text)).toEqual(['pin me']);
    expect(bob.stats().dropped).toEqual({});
  });
});
