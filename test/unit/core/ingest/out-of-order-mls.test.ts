import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import type { EncryptionMode } from '../../../../shared/domain/views.js';
import { fromBase64Url } from '../../../../main/core/encoding/base64url.js';
import { peekEnvelope } from '../../../../main/core/envelopes/envelope-reader.js';
import { engineContextOf } from '../../../../main/core/engine/engine-internals.js';
import { SEQ_AHEAD_LIMIT, WAITING } from '../../../../main/core/store/tables/channel-log-table.js';
import { userId } from '../../../helpers/test-engines.js';
import { createWorldWithClocks, joinedGroup, takeMessages, type TestWorld } from '../../../helpers/test-world.js';

/**
 * Contents that must wait after decryption (a file chunk before its offer, a pin before its
 * message): MLS keys are single-use, so the decrypted content is held, not decrypted again.
 */
describe.each<EncryptionMode>(['mls', 'sealed'])('contents that arrive before what they refer to (%s)', (mode) => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;

  /** Bob's clock runs this far ahead (a week later: a waiting row's age is up). */
  let skew = 0;

  beforeEach(async () => {
    skew = 0;
    world = await createWorldWithClocks(['alice', 'bob', 'carol'], { bob: () => Date.now() + skew });
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    g = await joinedGroup(world, alice, [bob, carol], mode);
  });
  afterEach(() => world.close());


  /** What bob's channel log holds at alice's `seq` (its type), if anything. */
  function loggedAt(seq: number): string | undefined {
    const read = engineContextOf(bob).store.read.log;
    return read.get(fromBase64Url(g)!, fromBase64Url(userId(alice))!, seq)?.type;
  }

  it('a file whose chunks come before its offer still arrives whole', async () => {
    const bytes = new Uint8Array(600 * 1024).map((_, i) => (i * 7) % 256);
    const sent = await alice.sendFile(g, { name: 'late-offer.bin', mime: 'application/octet-stream', bytes });
    const [offer, ...chunks] = takeMessages(alice);
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
    const [message, pin] = takeMessages(alice);
    bob.receive(pin!);
    await bob.inbox.idle();
    // It waits: for its message (held in the log as WAITING), or, where its sender's order is known, for the
    // message's number before it (not held yet).
    const [messageSeq, pinSeq] = [peekEnvelope(message!).seq, peekEnvelope(pin!).seq];
    expect(bob.stats().inbox['deferred']).toBe(1);
    expect([WAITING, undefined]).toContain(loggedAt(pinSeq));
    expect(loggedAt(messageSeq)).toBeUndefined();
    bob.receive(message!);
    await bob.inbox.idle();
    expect(bob.listPins(g).map((p) => p.text)).toEqual(['pin me']);
    // Applied, a WAITING entry takes its own type.
    expect([loggedAt(messageSeq), loggedAt(pinSeq)]).toEqual(['MESSAGE', 'MESSAGE']);
    expect(bob.stats().dropped).toEqual({});
  });

  it('a pin of a message we will never have does not stop its sender (1,024 messages later)', async () => {
    // Carol's message reaches alice only (for bob it is like one from before he joined); alice pins it.
    const fromCarol = await carol.sendText(g, 'only alice has this');
    for (const bytes of takeMessages(carol)) alice.receive(bytes);
    await alice.inbox.idle();
    await alice.pin(g, fromCarol.id);
    for (const bytes of takeMessages(alice)) bob.receive(bytes);
    await bob.inbox.idle();
    expect(bob.stats().inbox['deferred']).toBe(1);
    const sent: string[] = [];
    for (let i = 0; i < SEQ_AHEAD_LIMIT + 8; i++) sent.push((await alice.sendText(g, `after the pin ${i}`)).id);
    for (const bytes of takeMessages(alice)) bob.receive(bytes);
    await bob.inbox.idle();
    // Every one shown, none dropped or waiting, and catch-up has nothing of alice's to ask for.
    expect(sent.filter((id) => bob.getMessage(id).text.startsWith('after the pin')).length).toBe(sent.length);
    expect(bob.stats().dropped).toEqual({});
    expect(bob.stats().inbox['deferred']).toBe(1);
    expect(bob.channels.missing(fromBase64Url(g)!)).toBe(0);
    // A week later the pin is given up: dropped and counted, its WAITING entry refused (its number stays used).
    const pinSeq = engineContextOf(bob).store.read.log.range(fromBase64Url(g)!, fromBase64Url(userId(alice))!, 0, 1 << 20, 5000).find((x) => x.type === WAITING)?.seq;
    expect(pinSeq).toBeGreaterThan(0);
    skew = 8 * 24 * 60 * 60 * 1000;
    bob.inbox.expireDeferred();
    await bob.inbox.idle();
    expect(bob.stats().dropped).toEqual({ 'deferred-expired': 1 });
    expect(loggedAt(pinSeq!)).toBe('REFUSED');
    expect(bob.channels.missing(fromBase64Url(g)!)).toBe(0);
  }, 120_000);
});
