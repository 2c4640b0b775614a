import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../../../main/core/encoding/base64url.js';
import { CumulativeAcks } from '../../../../main/core/engine/cumulative-acks.js';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { engineContextOf } from '../../../../main/core/engine/engine-internals.js';
import type { ReceivedAck } from '../../../../main/core/engine/session-port.js';
import { userId } from '../../../helpers/test-engines.js';
import { createWorld, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

/**
 * A member's cumulative ack ("I hold all of yours up to N") is turned into deliveries once: how far it
 * was counted is kept in the store (migration 0015), so after a restart the next beat does not walk our
 * history again, and only what is new past the mark is counted.
 */
describe('cumulative ack marks across restarts', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine;
  let g: string;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob] = world.engines as [Engine, Engine];
    g = await joinedGroup(world, alice, [bob, world.engines[2]!], 'none');
  });
  afterEach(async () => world.close());

  it("counts a member's mark once, and after a restart only what lies past it", async () => {
    for (const text of ['one', 'two', 'three']) await alice.sendText(g, text);
    const ctx = engineContextOf(alice);
    const groupId = fromBase64Url(g)!;
    const from = fromBase64Url(userId(bob))!;
    const upTo = ctx.store.read.log.nextOwnSeq(groupId) - 1;
    const ours = (after: number): string[] =>
      ctx.store.read.log.idsInRange(groupId, ctx.self().userId, after, upTo + 10, 100).map((r) => toBase64Url(r.envelopeId));
    const counter = (): { acks: string[]; acknowledge: (ack: ReceivedAck) => boolean } => {
      const acks: string[] = [];
      return { acks, acknowledge: (ack) => (acks.push(...ack.envelopeIds.map(toBase64Url)), false) };
    };

    const first = counter();
    new CumulativeAcks(ctx, first.acknowledge).upTo({ groupId, from, seq: upTo });
    expect(first.acks).toEqual(ours(0));
    expect(first.acks.length).toBeGreaterThanOrEqual(3);
    expect(ctx.store.read.log.cumulativeMark(groupId, from)).toBe(upTo);

    // A new instance over the same store is what a restart makes: the same beat counts nothing again.
    const restarted = counter();
    const again = new CumulativeAcks(ctx, restarted.acknowledge);
    expect(again.upTo({ groupId, from, seq: upTo })).toBe(false);
    expect(restarted.acks).toEqual([]);

    // One more message: the next beat counts exactly it.
    const four = await alice.sendText(g, 'four');
    again.upTo({ groupId, from, seq: upTo + 1 });
    expect(restarted.acks).toEqual([four.id]);
    expect(ctx.store.read.log.cumulativeMark(groupId, from)).toBe(upTo + 1);
    // A lower beat (an old heartbeat replayed) never moves the mark back.
    new CumulativeAcks(ctx, () => false).upTo({ groupId, from, seq: 1 });
    expect(ctx.store.read.log.cumulativeMark(groupId, from)).toBe(upTo + 1);
  });
});
