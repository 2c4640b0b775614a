import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/core/engine/engine.js';
import { SessionLayer } from '../../../main/core/session/session-layer.js';
import { waitForDelivery } from '../../../main/host/sdk/delivery-wait.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { userId } from '../../helpers/test-engines.js';
import { IN_PROCESS_TIMINGS, sealedGroupOfAll, sessionWorld, type SessionWorld } from './session-world.js';
import { waitFor, waitUntil } from '../../helpers/wait-for.js';
import { expectCode } from '../../helpers/expect-code.js';

/**
 * A message that will never reach someone says why: "removed" when the recipient was removed before
 * they had it, "refused" when it was written after our own removal (every member drops it).
 */
describe('why a message will never be delivered, over a real SLIM node', () => {
  let node: SlimNodeHandle;
  let world: SessionWorld;
  let engines: Engine[];
  let sessions: SessionLayer[];
  let groupId: string;

  beforeEach(async () => {
    // Four people: a group keeps two members besides its admin after a removal. Retries that never run
    // out during the test: only removal makes a message undeliverable here.
    world = await sessionWorld(['alice', 'bob', 'carol', 'dave'], () => ({ maxRetries: 100 }));
    ({ node, engines, sessions } = world);
    groupId = await sealedGroupOfAll(engines, 'Reasons');
  });

  afterEach(async () => {
    await world.close();
  });

  it('says "removed" for a member removed before they received it', async () => {
    const [alice, bob, carol] = engines as [Engine, Engine, Engine];
    await sessions[1]!.close();
    const atCarol = waitFor(carol.events, 'message', (m) => m.text === 'bob will miss this', 15_000);
    const sent = await alice.sendText(groupId, 'bob will miss this');
    await atCarol;
    expect(alice.getMessage(sent.id).failure).toBeUndefined();

    const failed = waitFor(alice.events, 'delivery-failed', (f) => f.messageId === sent.id, 15_000);
    await alice.removeMembers(groupId, [userId(bob)]);
    expect(await failed).toMatchObject({ groupId, reason: 'removed', missing: [userId(bob)] });
    expect(alice.getMessage(sent.id).failure).toMatchObject({ reason: 'removed', missing: [userId(bob)], detail: '1 member left or was removed before receiving it' });
  }, 60_000);

  it('says "refused" for what we wrote after our own removal, and no member takes it', async () => {
    const [alice, bob, carol, dave] = engines as [Engine, Engine, Engine, Engine];
    await sessions[1]!.close();
    const late = await bob.sendText(groupId, 'written after my removal');
    const removed = waitUntil(carol.events, 'group', () => carol.getGroup(groupId).members.every((m) => m.userId !== userId(bob)), 15_000);
    await alice.removeMembers(groupId, [userId(bob)]);
    await removed;

    const refused = waitFor(bob.events, 'delivery-failed', (f) => f.messageId === late.id, 30_000);
    // The SDK's wait ends with the code that says no retry can help (caught now: it ends while we wait for others).
    const waited = waitForDelivery(bob, bob.getMessage(late.id), 30_000).catch((e: unknown) => e);
    sessions[1] = new SessionLayer(bob, { endpoint: node.endpoint, ...IN_PROCESS_TIMINGS, maxRetries: 100 });
    sessions[1].start();
    const failure = await refused;
    expect(failure).toMatchObject({ groupId, reason: 'refused' });
    expect([...failure.missing].sort()).toEqual([userId(alice), userId(carol), userId(dave)].sort());
    // Final: failed, with nothing to retry (the code says why).
    await waitUntil(bob.events, 'send-state', () => bob.getMessage(late.id).sendState === 'failed', 15_000);
    expect(bob.getMessage(late.id)).toMatchObject({ sendState: 'failed', failure: { reason: 'refused', retryable: false } });
    await expectCode(() => bob.retrySend(late.id), 'SEND_REFUSED');
    expect(await waited).toMatchObject({ code: 'SEND_REFUSED', details: { reason: 'refused', retryable: false } });
    expect(bob.getGroup(groupId).myState).toBe('removed');
    for (const e of [alice, carol, dave]) expect(e.latestMessages(groupId, 20).messages.map((m) => m.text)).not.toContain('written after my removal');
  }, 60_000);
});
