import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import type { ReceivedAck } from '../../../../main/core/engine/session-port.js';
import { fromBase64Url, toBase64Url } from '../../../../main/core/encoding/base64url.js';
import { userId } from '../../../helpers/test-engines.js';
import { createWorld, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

/**
 * Acks applied a batch at a time (engine-outbox.ts acknowledgeAll, ack-batch.ts) end exactly where the
 * same acks applied one by one end: send states, who each message was delivered to, finished jobs and
 * the events, which come once each and only after the commit. Twin groups with the same members get
 * the same script of acks, one group one ack at a time, the other in one batch.
 */
describe('acknowledging a batch of acks', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine, dave: Engine, eve: Engine;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol', 'dave', 'eve');
    [alice, bob, carol, dave, eve] = world.engines as [Engine, Engine, Engine, Engine, Engine];
  });
  afterEach(() => world.close());

  const names = (): Map<string, string> => new Map([bob, carol, dave, eve].map((e) => [userId(e), e.getIdentity()?.displayName ?? '?']));

  /** Alice's messages queued in a group (not published: only the acks decide what becomes of them). */
  async function queue(groupId: string, count: number): Promise<Uint8Array[]> {
    const ids: Uint8Array[] = [];
    for (let i = 0; i < count; i++) ids.push(fromBase64Url((await alice.sendText(groupId, `m${i}`)).id)!);
    return ids;
  }

  /** Everything stored about these messages, by position and member name, so that twin groups compare. */
  function stored(ids: Uint8Array[]): { state: string; deliveredTo: string[]; jobs: string[] }[] {
    const who = names();
    return ids.map((id) => ({
      state: alice.getMessage(toBase64Url(id)).sendState ?? 'none',
      deliveredTo: alice.store.read.messages
        .deliveries(id)
        .map((d) => who.get(toBase64Url(d.member)) ?? 'someone else')
        .sort(),
      jobs: alice.store.read.queue.outboxByEnvelope(id).map((j) => j.state),
    }));
  }

  /** Alice's send-state and group events, by message position; each also says whether a transaction was open. */
  function listen(ids: Uint8Array[]): { seen: string[]; openTransaction: boolean[] } {
    const out = { seen: [] as string[], openTransaction: [] as boolean[] };
    const position = (messageId: string): number => ids.findIndex((id) => toBase64Url(id) === messageId);
    alice.events.on('send-state', (s) => {
      const at = position(s.messageId);
      if (at < 0) return;
      out.seen.push(`${at}:${s.state}`);
      out.openTransaction.push(alice.store.db.inTransaction);
    });
    return out;
  }

  /** The script: who acks which messages (by position), in order; `stray` names an envelope that is not ours. */
  function script(groupId: string, ids: Uint8Array[], stray: Uint8Array): ReceivedAck[] {
    const g = fromBase64Url(groupId)!;
    const ack = (from: Engine, at: number[], extra: Uint8Array[] = []): ReceivedAck => ({
      groupId: g,
      from: fromBase64Url(userId(from))!,
      envelopeIds: [...at.map((i) => ids[i]!), ...extra],
    });
    return [
      ack(bob, [0, 1]),
      ack(carol, [0]),
      // Eve is no member: her (signed, but foreign) ack counts for nothing, in the batch as alone.
      ack(eve, [0, 1, 2]),
      ack(dave, [0, 1, 2]),
      ack(bob, [2], [stray]),
      ack(carol, [1]),
      ack(bob, [0]),
    ];
  }

  it('ends in the same send states, deliveries, finished jobs and events as one by one, events once and after the commit', async () => {
    const one = await joinedGroup(world, alice, [bob, carol, dave], 'none', 'One');
    const two = await joinedGroup(world, alice, [bob, carol, dave], 'none', 'Two');
    const ids1 = await queue(one, 3);
    const ids2 = await queue(two, 3);
    const stray = new Uint8Array(32).fill(7);
    const ev1 = listen(ids1);
    const ev2 = listen(ids2);

    const singly = script(one, ids1, stray).map((a) => alice.outbox.acknowledge(a));
    const batched = alice.outbox.acknowledgeAll(script(two, ids2, stray));

    const expected = [
      { state: 'delivered', deliveredTo: ['bob', 'carol', 'dave'], jobs: ['acked'] },
      { state: 'delivered', deliveredTo: ['bob', 'carol', 'dave'], jobs: ['acked'] },
      { state: 'pending', deliveredTo: ['bob', 'dave'], jobs: ['pending'] },
    ];
    expect(stored(ids1)).toEqual(expected);
    expect(stored(ids2)).toEqual(expected);
    // Jobs finished in both ways: singly by dave's and carol's second acks, batched once for the lot.
    expect(singly).toEqual([false, false, false, true, false, true, false]);
    expect(batched).toBe(true);
    expect(ev1.seen).toEqual(['0:delivered', '1:delivered']);
    expect(ev2.seen).toEqual(ev1.seen);
    expect([...ev1.openTransaction, ...ev2.openTransaction].every((open) => !open)).toBe(true);
  });

  it('settles what came before an invited member joins against the roster as it was (sealed and unencrypted groups learn joins from acks)', async () => {
    // Carol is invited to both groups but never accepts: her first ack of a channel envelope makes her joined.
    const twin = async (name: string): Promise<string> => {
      const g = (await alice.createGroup({ name, members: [userId(bob), userId(carol)], mode: 'none' })).groupId;
      await world.net.settle();
      await bob.acceptInvitation(g);
      await world.net.settle();
      return g;
    };
    const one = await twin('One');
    const two = await twin('Two');
    const ids1 = await queue(one, 2);
    const ids2 = await queue(two, 2);
    const ev1 = listen(ids1);
    const ev2 = listen(ids2);
    const acks = (groupId: string, ids: Uint8Array[]): ReceivedAck[] => {
      const g = fromBase64Url(groupId)!;
      return [
        // Bob is the only joined member: this alone delivers message 0 ...
        { groupId: g, from: fromBase64Url(userId(bob))!, envelopeIds: [ids[0]!] },
        // ... before carol's ack of message 1 makes her joined (and message 1 waits for bob).
        { groupId: g, from: fromBase64Url(userId(carol))!, envelopeIds: [ids[1]!] },
      ];
    };

    const singly = acks(one, ids1).map((a) => alice.outbox.acknowledge(a));
    const batched = alice.outbox.acknowledgeAll(acks(two, ids2));

    const expected = [
      { state: 'delivered', deliveredTo: ['bob'], jobs: ['acked'] },
      { state: 'pending', deliveredTo: ['carol'], jobs: ['pending'] },
    ];
    expect(stored(ids1)).toEqual(expected);
    expect(stored(ids2)).toEqual(expected);
    expect(singly).toEqual([true, false]);
    expect(batched).toBe(true);
    expect(ev2.seen).toEqual(ev1.seen);
    expect(ev1.seen).toEqual(['0:delivered']);
    for (const g of [one, two]) expect(alice.getGroup(g).members.find((m) => m.userId === userId(carol))?.status).toBe('joined');
    expect([...ev1.openTransaction, ...ev2.openTransaction].every((open) => !open)).toBe(true);
  });
});
