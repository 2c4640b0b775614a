import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import type { ReceivedAck } from '../../../../main/core/engine/session-port.js';
import { fromBase64Url } from '../../../../main/core/encoding/base64url.js';
import { createLogger } from '../../../../main/core/log/logger.js';
import { AckIntake, type AckBatchLimits } from '../../../../main/core/session/ack-intake.js';
import { userId } from '../../../helpers/test-engines.js';
import { createWorld, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

/**
 * The session's intake of received acks (ack-intake.ts): the acks of one turn go to the engine as one
 * batch, `outboxProgressed` comes once per batch, and no batch grows past its limits however many
 * acks arrive at once (a member flooding us with signed acks).
 */
describe('received acks, a turn at a time', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine, dave: Engine;
  let groupId: string;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol', 'dave');
    [alice, bob, carol, dave] = world.engines as [Engine, Engine, Engine, Engine];
    groupId = await joinedGroup(world, alice, [bob, carol, dave], 'none');
  });
  afterEach(() => world.close());

  /** An intake applying to Alice's real engine, noting each batch's size and each progress call. */
  function intake(limits?: AckBatchLimits): { intake: AckIntake; batches: number[][]; progressed: number[]; nextProgress: () => Promise<void> } {
    const batches: number[][] = [];
    const progressed: number[] = [];
    let wake: (() => void) | undefined;
    const apply = (acks: readonly ReceivedAck[]): boolean => {
      batches.push(acks.map((a) => a.envelopeIds.length));
      return alice.outbox.acknowledgeAll(acks);
    };
    const onProgress = (): void => {
      progressed.push(batches.length);
      wake?.();
    };
    const nextProgress = (): Promise<void> => new Promise((resolve) => (wake = resolve));
    return { intake: new AckIntake(apply, onProgress, createLogger('test'), limits), batches, progressed, nextProgress };
  }

  const ack = (from: Engine, ids: Uint8Array[]): ReceivedAck => ({ groupId: fromBase64Url(groupId)!, from: fromBase64Url(userId(from))!, envelopeIds: ids });

  it('applies the acks of one turn together, after the turn, and reports progress once', async () => {
    const ids: Uint8Array[] = [];
    for (const t of ['a', 'b']) ids.push(fromBase64Url((await alice.sendText(groupId, t)).id)!);
    const t = intake();
    const progress = t.nextProgress();
    for (const member of [bob, carol, dave]) t.intake.add(ack(member, ids));
    // Nothing applied while the turn lasts.
    expect(t.batches).toEqual([]);
    await progress;
    expect(t.batches).toEqual([[2, 2, 2]]);
    expect(t.progressed).toEqual([1]);
    for (const id of ids) expect(alice.store.read.queue.outboxByEnvelope(id).map((j) => j.state)).toEqual(['acked']);
    for (const id of ids) expect(alice.store.read.messages.get(id)?.sendState).toBe('delivered');
  });

  it('never holds more than its limits: past them a batch is applied at once', async () => {
    const ids: Uint8Array[] = [];
    for (let i = 0; i < 6; i++) ids.push(fromBase64Url((await alice.sendText(groupId, `m${i}`)).id)!);
    const limits = { acks: 4, envelopeIds: 8 };
    const t = intake(limits);
    const progress = t.nextProgress();
    // A flood in one turn: ten one-id acks, then acks of 5 and 6 ids (the sum would pass 8), then everything.
    for (let i = 0; i < 10; i++) t.intake.add(ack(bob, [ids[i % 6]!]));
    t.intake.add(ack(carol, ids.slice(0, 5)));
    t.intake.add(ack(carol, ids.slice(0, 6)));
    t.intake.add(ack(dave, ids));
    // Applied during the turn, each within the limits (an ack alone may pass the id limit: it goes alone).
    expect(t.batches).toEqual([[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 5], [6]]);
    // Dave's, the last, waits for the end of the turn like any other.
    await progress;
    expect(t.batches.at(-1)).toEqual([6]);
    for (const b of t.batches) {
      expect(b.length).toBeLessThanOrEqual(limits.acks);
      expect(b.length === 1 || b.reduce((s, n) => s + n, 0) <= limits.envelopeIds).toBe(true);
    }
    expect(t.progressed).toEqual([5]);
    for (const id of ids) expect(alice.store.read.messages.get(id)?.sendState).toBe('delivered');
  });
});
