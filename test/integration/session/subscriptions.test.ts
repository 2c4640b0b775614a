import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/core/engine/engine.js';
import type { SessionLayer } from '../../../main/core/session/session-layer.js';
import { sealedGroupOfAll, sessionWorld, type SessionWorld } from './session-world.js';

/**
 * The session's subscriptions follow what we are in (our own name, the channel of every group we are
 * joining or in), and nothing else: a message changes its group (last activity, unread count) but not
 * what we listen to, so it must not walk every group we have to compare (issue 13: it did, per message).
 */
describe('subscriptions follow the groups we are in', () => {
  let world: SessionWorld;
  let alice: Engine, bob: Engine;
  let bobSession: SessionLayer;

  beforeEach(async () => {
    // No heartbeats or gap checks within the test: they too list the channels, on their own timers.
    world = await sessionWorld(['alice', 'bob', 'carol'], () => ({ heartbeatMs: 600_000, gapCheckMs: 600_000 }));
    [alice, bob] = world.engines as [Engine, Engine];
    bobSession = world.sessions[1]!;
  });
  afterEach(() => world.close());

  it('subscribes on joining, keeps still for messages, and unsubscribes on leaving', async () => {
    expect(bobSession.transportStats().subscriptions).toBe(1);
    const groupId = await sealedGroupOfAll(world.engines, 'Subscribed');
    await bobSession.subscriptionsSettled();
    expect(bobSession.transportStats().subscriptions).toBe(2);

    let walks = 0;
    const listening = bob.channels.listening.bind(bob.channels);
    bob.channels.listening = (): Uint8Array[] => {
      walks++;
      return listening();
    };
    const texts = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const received = Promise.all(texts.map((t) => bob.events.waitFor('message', (m) => m.text === t)));
    for (const t of texts) await alice.sendText(groupId, t);
    await received;
    await bob.sendText(groupId, 'and one of mine');
    await bobSession.subscriptionsSettled();
    expect(walks).toBe(0);
    expect(bobSession.transportStats().subscriptions).toBe(2);

    const left = bob.events.waitFor('group', (g) => g.groupId === groupId && g.myState === 'left');
    await bob.leaveGroup(groupId);
    await left;
    await bobSession.subscriptionsSettled();
    expect(bobSession.transportStats().subscriptions).toBe(1);
  });
});
