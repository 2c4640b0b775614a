import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { peekEnvelope } from '../../main/core/envelopes/envelope-reader.js';
import { WAITING } from '../../main/core/store/tables/channel-log-table.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import type { EncryptionMode } from '../../shared/domain/views.js';
import { memberEnvelope } from '../fuzz/member-content.js';
import { userId } from '../helpers/test-engines.js';
import { createWorld, joinedGroup, takeMessages, type TestWorld } from '../helpers/test-world.js';

/**
 * A pin waiting for its message is held in the channel log as WAITING (its number taken) while its inbox
 * row waits. Only that row gets past the entry when it wakes: a replayer sending the same envelope again,
 * or the member signing another envelope at that number, is refused, and the pin applies once.
 */
describe.each<EncryptionMode>(['sealed', 'mls'])('WAITING entries against replay and equivocation (%s)', (mode) => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    g = await joinedGroup(world, alice, [bob, carol], mode);
  });
  afterEach(() => world.close());


  const entryAt = (seq: number): { type: string; envelopeId: Uint8Array } | undefined =>
    engineContextOf(bob).store.read.log.get(fromBase64Url(g)!, fromBase64Url(userId(alice))!, seq);

  it('refuses the waiting pin replayed and another envelope at its number; the pin applies once', async () => {
    // Carol's message reaches alice, not (yet) bob; alice pins it, so bob's pin waits with no gap before it.
    const m = await carol.sendText(g, 'pin me');
    const [message] = takeMessages(carol);
    await alice.receive(message!);
    await alice.inbox.idle();
    await alice.pin(g, m.id);
    const [pin] = takeMessages(alice);
    const pinned = peekEnvelope(pin!);
    await bob.receive(pin!);
    await bob.inbox.idle();
    expect(entryAt(pinned.seq)?.type).toBe(WAITING);
    // The replayer: the same bytes again, as anyone on the channel can send them.
    await bob.receive(pin!);
    await bob.inbox.idle();
    expect(bob.stats().dropped['replay']).toBe(1);
    // The member itself: another envelope, validly signed and encrypted, at the waiting one's number.
    const other = await memberEnvelope(alice, g, encodeWire('Content', { text: { text: 'instead' } }), { seq: pinned.seq });
    await bob.receive(other.bytes);
    await bob.inbox.idle();
    expect(bob.stats().dropped['equivocation']).toBe(1);
    expect(Buffer.from(entryAt(pinned.seq)!.envelopeId).equals(Buffer.from(pinned.id))).toBe(true);
    expect(bob.stats().inbox['deferred']).toBe(1);
    // Its message arrives: the pin that waited applies, once, and its entry takes its type.
    const pins: string[] = [];
    bob.events.on('pin', (p) => pins.push(p.messageId));
    await bob.receive(message!);
    await bob.inbox.idle();
    expect(pins).toEqual([m.id]);
    expect(bob.listPins(g).map((p) => p.text)).toEqual(['pin me']);
    expect(entryAt(pinned.seq)?.type).toBe('MESSAGE');
    expect(bob.stats().inbox['deferred'] ?? 0).toBe(0);
  });
});
