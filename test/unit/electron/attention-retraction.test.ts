import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/core/engine/engine.js';
import { AttentionState, type AttentionEffects } from '../../../main/electron/attention-state.js';
import { CORE_EVENT_NAMES, type CoreEventName, type PushedEvent } from '../../../shared/ipc/ipc-contract.js';
import type { CoreEventPayloads } from '../../../shared/domain/core-events.js';
import { userId } from '../../helpers/test-engines.js';
import { removalRaceEachTest } from '../../helpers/removal-race.js';

/** Every core event of `engine` into the shell's attention state, as the worker relays them; the effects it asked for. */
function attend(engine: Engine, state: AttentionState, clock: () => number): AttentionEffects[] {
  const effects: AttentionEffects[] = [];
  const pipe = <E extends CoreEventName>(name: E): void => {
    engine.events.on(name, (payload: CoreEventPayloads[E]) => {
      // The same cast as the hosts' forwarding (request-dispatch.ts): a core event's payload is the contract's.
      const e = state.onEvent({ event: name, payload } as PushedEvent, clock());
      if (Object.keys(e).length > 0) effects.push(e);
    });
  };
  for (const name of CORE_EVENT_NAMES) pipe(name);
  return effects;
}

/**
 * The removal race (docs/PROTOCOL.md) as the desktop shell sees it, with carol's real core events:
 * bob's late messages reached carol (she was notified) before alice's removal with its cutoff; once
 * carol lets them go the notification showing one is withdrawn and the badge drops to what is held.
 */
describe('the shell after a cutoff retraction', () => {
  const race = removalRaceEachTest();

  it('withdraws the notification of a retracted message and follows the recounted unread count', async () => {
    const { world, alice, bob, carol, dave, g } = race();
    const state = new AttentionState(() => false);
    let now = 0;
    const effects = attend(carol, state, () => now);
    state.started({ node: { mode: 'embedded', remoteEndpoint: '' }, theme: 'system', language: 'system', notifications: true }, [carol.getGroup(g)]);

    const kept = await bob.sendText(g, 'kept');
    await world.net.settle();
    world.net.setOffline(alice, true);
    // Past the per-chat throttle: the late ones get a notification of their own (the second is kept quiet).
    now = 60_000;
    const late = [await bob.sendText(g, 'late one'), await bob.sendText(g, 'late two')];
    await world.net.settle();
    const notified = effects.flatMap((e) => (e.notify === undefined ? [] : [e.notify.key]));
    expect(notified).toHaveLength(2);
    expect(notified[0]).toBe(kept.id);
    const lateShown = notified[1] as string;
    expect(late.map((m) => m.id)).toContain(lateShown);
    expect(effects.filter((e) => e.badge !== undefined).at(-1)?.badge).toBe(3);

    effects.length = 0;
    const retracted = carol.events.waitFor('messages-retracted', (e) => e.groupId === g);
    const recounted = carol.events.waitFor('unread', (u) => u.groups[g] === 1);
    await alice.removeMembers(g, [userId(bob)]);
    world.net.setOffline(alice, false);
    await world.net.settle();
    await Promise.all([retracted, recounted]);

    // Only the late one's notification goes (kept's stays); nothing replaces it (both late ones are gone).
    expect(effects.flatMap((e) => e.withdraw ?? [])).toEqual([lateShown]);
    expect(effects.filter((e) => e.notify !== undefined)).toEqual([]);
    expect(effects.filter((e) => e.badge !== undefined).map((e) => e.badge)).toEqual([1]);
    // No notification of the chat is left for the throttle to hold back: dave's next message notifies at once.
    const next = await dave.sendText(g, 'after the removal');
    await world.net.settle();
    expect(effects.flatMap((e) => (e.notify === undefined ? [] : [e.notify.key]))).toEqual([next.id]);
  });
});
