import { describe, expect, it } from 'vitest';
import { AttentionState } from '../../../main/electron/attention-state.js';
import { attendEngine } from '../../helpers/attend-engine.js';
import { FakeNotifier } from '../../helpers/fake-notifier.js';
import { userId } from '../../helpers/test-engines.js';
import { removalRaceEachTest } from '../../helpers/removal-race.js';

/**
 * The removal race (docs/PROTOCOL.md) as the desktop shell sees it, with carol's real core events:
 * bob's late messages reached carol (she was notified) before alice's removal with its cutoff; once
 * carol lets them go the notification showing one is withdrawn and the badge drops to what is held.
 */
describe('the shell after a cutoff retraction', () => {
  const race = removalRaceEachTest();

  it('withdraws the notification of a retracted message and follows the recounted unread count', async () => {
    const { world, alice, bob, carol, dave, g } = race();
    const screen = new FakeNotifier();
    const state = new AttentionState(() => false, screen);
    let now = 0;
    const effects = attendEngine(carol, state, () => now);
    state.started({ node: { mode: 'embedded', remoteEndpoint: '' }, theme: 'system', language: 'system', notifications: true }, [carol.getGroup(g)]);

    await bob.sendText(g, 'kept');
    await world.net.settle();
    world.net.setOffline(alice, true);
    // Past the per-chat throttle: the late ones get a notification of their own (the second is kept quiet).
    now = 60_000;
    const late = [await bob.sendText(g, 'late one'), await bob.sendText(g, 'late two')];
    await world.net.settle();
    expect(screen.bodies(g)).toEqual(['bob: kept', 'bob: late one']);
    expect(late.map((m) => m.text)).toContain('late one');
    expect(effects.filter((e) => e.badge !== undefined).at(-1)?.badge).toBe(3);

    effects.length = 0;
    const retracted = carol.events.waitFor('messages-retracted', (e) => e.groupId === g);
    const recounted = carol.events.waitFor('unread', (u) => u.groups[g] === 1);
    await alice.removeMembers(g, [userId(bob)]);
    world.net.setOffline(alice, false);
    await world.net.settle();
    await Promise.all([retracted, recounted]);

    // Only the late one's notification goes (kept's stays); nothing replaces it (both late ones are gone).
    expect(screen.withdrawn().map((c) => c.body)).toEqual(['bob: late one']);
    expect(screen.bodies(g)).toEqual(['bob: kept']);
    expect(effects.filter((e) => e.badge !== undefined).map((e) => e.badge)).toEqual([1]);
    // Dave's next message is within the throttle's window of kept's notification, still on screen: quiet.
    await dave.sendText(g, 'after the removal');
    await world.net.settle();
    expect(screen.bodies(g)).toEqual(['bob: kept']);
  });
});
