import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreEventPayloads } from '../../../shared/domain/core-events.js';
import type { Engine } from '../../../main/core/engine/engine.js';
import { SessionLayer } from '../../../main/core/session/session-layer.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { GroupSession } from '../../../main/host/sdk/group-session.js';
import { expectCode } from '../../helpers/expect-code.js';
import { userId } from '../../helpers/test-engines.js';
import { IN_PROCESS_TIMINGS, sessionWorld, type SessionWorld } from './session-world.js';
import { waitFor, waitUntil } from '../../helpers/wait-for.js';


/**
 * Seed 000's max_retries and timeout, per session: when a member stays offline past the session's
 * last retry, the sender is told (engine event, SDK event, DELIVERY_FAILED from waitForDelivery, a
 * failure on the message view), and when the member comes back its ack still turns it delivered.
 */
describe('delivery failure after the last retry, over a real SLIM node', () => {
  let node: SlimNodeHandle;
  let world: SessionWorld;
  let engines: Engine[];
  let sessions: SessionLayer[];

  beforeEach(async () => {
    // Alice's layer-wide setting would retry for a minute: only the group's own setting can make it fail in time.
    world = await sessionWorld(['alice', 'bob', 'carol'], (name) => (name === 'alice' ? { maxRetries: 100, ackTimeoutMs: 600 } : {}));
    ({ node, engines, sessions } = world);
  });

  afterEach(async () => {
    await world.close();
  });

  it('reports retries-exhausted with who is missing, then turns delivered when the member returns', async () => {
    const [alice, bob, carol] = engines as [Engine, Engine, Engine];
    const bobInvited = bob.events.waitFor('invitation', (i) => i.state === 'pending');
    const carolInvited = carol.events.waitFor('invitation', (i) => i.state === 'pending');
    const g = await alice.createGroup({ name: 'Retries', members: [userId(bob), userId(carol)], mode: 'sealed' });
    await bobInvited;
    await carolInvited;
    await bob.acceptInvitation(g.groupId);
    await carol.acceptInvitation(g.groupId);
    await waitUntil(alice.events, 'group', () => alice.getGroup(g.groupId).members.every((m) => m.status === 'joined'), 15_000);

    // The SDK's session over Alice's engine, tuned per session: one retry, 2 s apart. Carol must ack
    // before the retries run out or she is missing too: 4 s leaves room for a loaded machine (200 ms did not).
    sessions[0]!.tune({ maxRetries: 1, ackTimeoutMs: 2_000 }, g.groupId);
    const sdk = new GroupSession({ core: { engine: alice }, resolve: () => Promise.reject(new Error('not used')) }, g.groupId);
    const sdkFailures: CoreEventPayloads['delivery-failed'][] = [];
    const offSdk = sdk.on('delivery-failed', (f) => sdkFailures.push(f));

    await sessions[1]!.close();
    const engineFailure = waitFor(alice.events, 'delivery-failed', undefined, 15_000);
    const published = sdk.publish('hello while bob is away', { waitForDelivery: true, timeoutMs: 15_000 });
    await expectCode(published, 'DELIVERY_FAILED');
    const failure = await engineFailure;
    expect(failure).toMatchObject({ groupId: g.groupId, reason: 'retries-exhausted', missing: [userId(bob)] });
    expect(sdkFailures).toEqual([failure]);
    const view = alice.getMessage(failure.messageId);
    expect(view.sendState).toBe('sent');
    expect(view.failure).toMatchObject({ reason: 'retries-exhausted', missing: [userId(bob)] });

    // Bob comes back: catch-up and his cumulative ack turn the message delivered; the failure is gone.
    sessions[1] = new SessionLayer(bob, { endpoint: node.endpoint, ...IN_PROCESS_TIMINGS });
    sessions[1].start();
    await waitUntil(alice.events, 'send-state', () => alice.getMessage(failure.messageId).sendState === 'delivered', 20_000);
    expect(alice.getMessage(failure.messageId).failure).toBeUndefined();
    expect(bob.latestMessages(g.groupId, 10).messages.map((m) => m.text)).toContain('hello while bob is away');
    offSdk();
  }, 60_000);
});
