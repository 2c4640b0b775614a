import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/core/engine/engine.js';
import { waitForDelivery } from '../../../main/host/sdk/delivery-wait.js';
import { SessionLayer } from '../../../main/core/session/session-layer.js';
import { expectCode } from '../../helpers/expect-code.js';
import { userId } from '../../helpers/test-engines.js';
import { waitFor, waitUntil } from '../../helpers/wait-for.js';
import { IN_PROCESS_TIMINGS, sealedGroupOfAll, sessionWorld, type SessionWorld } from './session-world.js';

/**
 * Issue 9: a member who left or was removed never acks again, so the sender's earlier messages are
 * measured again against who is left: delivered / read once every remaining member has / read them,
 * and with nobody left, a final state rather than 'sent' forever. Over a real SLIM node.
 */
describe('delivery states after a member leaves or is removed', () => {
  let world: SessionWorld | undefined;

  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  /** alice (admin) and the others in one joined group. Retries that never run out here. */
  async function joined(names: string[]): Promise<{ engines: Engine[]; sessions: SessionLayer[]; groupId: string }> {
    world = await sessionWorld(names, () => ({ maxRetries: 100 }));
    const groupId = await sealedGroupOfAll(world.engines, 'Departures', 15_000);
    return { engines: world.engines, sessions: world.sessions, groupId };
  }

  it('turns read once the member who never got it is removed, and waitForDelivery resolves', async () => {
    const { engines, sessions, groupId } = await joined(['alice', 'bob', 'carol', 'dave']);
    const [alice, bob, carol, dave] = engines as [Engine, Engine, Engine, Engine];
    await sessions[1]!.close();
    const arrived = [carol, dave].map((e) => waitFor(e.events, 'message', (m) => m.text === 'bob is away', 15_000));
    const sent = await alice.sendText(groupId, 'bob is away');
    await Promise.all(arrived);
    // carol and dave read it; bob never will: short of bob, it is 'sent'.
    await carol.markRead(groupId);
    await dave.markRead(groupId);
    await waitUntil(alice.events, 'receipt', () => alice.receipts(sent.id).length === 2, 15_000);
    expect(alice.getMessage(sent.id).sendState).toBe('sent');
    const waited = waitForDelivery(alice, alice.getMessage(sent.id), 30_000);

    const removedNote = waitFor(alice.events, 'delivery-failed', (f) => f.messageId === sent.id, 15_000);
    const read = waitFor(alice.events, 'send-state', (s) => s.messageId === sent.id && s.state === 'read', 15_000);
    await alice.removeMembers(groupId, [userId(bob)]);
    expect(await removedNote).toMatchObject({ reason: 'removed', missing: [userId(bob)], retryable: true });
    await read;
    // The SDK's wait ends delivered, not rejected: bob's removal is not a failure of the message.
    expect((await waited).sendState).toBe('read');
    const view = alice.getMessage(sent.id);
    expect(view.sendState).toBe('read');
    // Who it never reached stays said, also in the read-by list (removed, not dropped).
    expect(view.failure).toMatchObject({ reason: 'removed', missing: [userId(bob)] });
    const readers = alice.readers(sent.id);
    expect(readers.receipts.map((r) => r.readerName).sort()).toEqual(['carol', 'dave']);
    expect(readers.receipts.every((r) => r.removed === undefined)).toBe(true);
    expect(readers.gone).toEqual([{ userId: userId(bob), name: 'bob', received: false }]);
  }, 90_000);

  it('turns delivered for the members left when one of two readers is gone, and read once the last one reads', async () => {
    const { engines, sessions, groupId } = await joined(['alice', 'bob', 'carol', 'dave']);
    const [alice, bob, carol, dave] = engines as [Engine, Engine, Engine, Engine];
    await sessions[3]!.close();
    const arrived = [bob, carol].map((e) => waitFor(e.events, 'message', (m) => m.text === 'dave is away', 15_000));
    const sent = await alice.sendText(groupId, 'dave is away');
    await Promise.all(arrived);
    await bob.markRead(groupId);
    await waitUntil(alice.events, 'receipt', () => alice.receipts(sent.id).length === 1, 15_000);

    const delivered = waitFor(alice.events, 'send-state', (s) => s.messageId === sent.id && s.state === 'delivered', 15_000);
    await alice.removeMembers(groupId, [userId(dave)]);
    await delivered;
    expect(alice.getMessage(sent.id).sendState).toBe('delivered');
    const read = waitFor(alice.events, 'send-state', (s) => s.messageId === sent.id && s.state === 'read', 15_000);
    // dave never had it: listed as gone before receiving it.
    expect(alice.readers(sent.id).gone).toEqual([{ userId: userId(dave), name: 'dave', received: false }]);
    await carol.markRead(groupId);
    await read;
  }, 90_000);

  it('ends failed, not sent, when everyone but the sender left before they had it; read for what one of them had read', async () => {
    const { engines, sessions, groupId } = await joined(['alice', 'bob', 'carol']);
    const [alice, bob, carol] = engines as [Engine, Engine, Engine];
    // bob gets and reads the first message while carol is away; then bob goes too.
    await sessions[2]!.close();
    const atBob = waitFor(bob.events, 'message', (m) => m.text === 'bob has this', 15_000);
    const first = await alice.sendText(groupId, 'bob has this');
    await atBob;
    await bob.markRead(groupId);
    await waitUntil(alice.events, 'receipt', () => alice.receipts(first.id).length === 1, 15_000);
    await sessions[1]!.close();
    const second = await alice.sendText(groupId, 'nobody will have this');
    // Caught at once: it ends (rejected) while the test is still waiting for other things.
    const waited = waitForDelivery(alice, second, 60_000).catch((e: unknown) => e);
    await waitUntil(alice.events, 'send-state', () => alice.getMessage(second.id).sendState === 'sent', 15_000);
    expect(alice.getMessage(first.id).sendState).toBe('sent');
    // A member who left subscribes to the group no more: the second message never reaches them.
    await bob.leaveGroup(groupId);
    await carol.leaveGroup(groupId);
    const failed = waitFor(alice.events, 'send-state', (s) => s.messageId === second.id && s.state === 'failed', 30_000);
    for (const i of [1, 2]) {
      sessions[i] = new SessionLayer(engines[i]!, { endpoint: world!.node.endpoint, ...IN_PROCESS_TIMINGS, maxRetries: 100 });
      sessions[i].start();
    }
    await failed;
    await waitUntil(alice.events, 'group', () => alice.getGroup(groupId).members.length === 1, 30_000);

    const view = alice.getMessage(second.id);
    expect(view.sendState).toBe('failed');
    expect(view.failure).toMatchObject({ reason: 'removed', retryable: false });
    expect([...(view.failure?.missing ?? [])].sort()).toEqual([userId(bob), userId(carol)].sort());
    expect(await waited).toMatchObject({ code: 'DELIVERY_FAILED', details: { reason: 'removed', retryable: false } });
    await expectCode(() => alice.retrySend(second.id), 'SEND_NOT_RETRYABLE');
    // What bob had read before he left is final too: read, as nobody is left to ask.
    expect(alice.getMessage(first.id)).toMatchObject({ sendState: 'read' });
    // bob read it and left: still listed, marked removed; carol never had it.
    const readers = alice.readers(first.id);
    expect(readers.receipts).toMatchObject([{ reader: userId(bob), readerName: 'bob', removed: true }]);
    expect(readers.gone).toEqual([{ userId: userId(carol), name: 'carol', received: false }]);

    // Written once alice is alone: it can reach nobody, so it ends failed at once, not 'sent' forever.
    const stateOfLate = waitFor(alice.events, 'send-state', (s) => s.state === 'failed', 15_000);
    const reasonOfLate = waitFor(alice.events, 'delivery-failed', (f) => f.reason === 'removed' && f.retryable === false, 15_000);
    const late = await alice.sendText(groupId, 'written alone');
    expect(late.sendState).toBe('failed');
    expect((await stateOfLate).messageId).toBe(late.id);
    expect((await reasonOfLate).messageId).toBe(late.id);
    const lateView = alice.getMessage(late.id);
    expect(lateView).toMatchObject({ sendState: 'failed', failure: { reason: 'removed', retryable: false } });
    expect([...(lateView.failure?.missing ?? [])].sort()).toEqual([userId(bob), userId(carol)].sort());
    await expect(waitForDelivery(alice, lateView, 15_000)).rejects.toMatchObject({ code: 'DELIVERY_FAILED', details: { reason: 'removed', retryable: false } });
    await expectCode(() => alice.retrySend(late.id), 'SEND_NOT_RETRYABLE');
    expect(alice.readers(late.id).gone.map((g) => g.name).sort()).toEqual(['bob', 'carol']);
  }, 120_000);
});
