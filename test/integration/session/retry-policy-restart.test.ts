import { describe, expect, it } from 'vitest';
import { FAST_SESSION, type CoreProcess } from '../../helpers/core-process.js';
import { joinedGroup, peoplePerTest, userIdOf, waitOnline } from './group-fixture.js';

/**
 * Seed 000's max_retries and timeout are per session and stored with the group: set over IPC, they
 * still govern the group's retries after the engine process restarts. Alice's own layer would retry
 * 100 times, so only the group's stored policy can make her message fail in time.
 */
describe('per-group retry policy, stored across a restart', () => {
  const start = peoplePerTest();

  it('fails a message after exactly the stored number of retries, after a restart', async () => {
    const people = await start(['alice', 'bob', 'carol'], { ...FAST_SESSION, maxRetries: 100 });
    const { alice, bob, carol } = people as { alice: CoreProcess; bob: CoreProcess; carol: CoreProcess };
    const groupId = await joinedGroup(alice, [bob, carol], 'sealed', 'Stored retries');

    // Out of bounds is refused at the door and nothing is stored.
    await expect(alice.invoke('groups.setRetryPolicy', { groupId, policy: { maxRetries: 101 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(alice.invoke('groups.setRetryPolicy', { groupId, policy: { timeoutMs: 99 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await alice.invoke('groups.get', { groupId })).retryPolicy).toEqual({ maxRetries: null, timeoutMs: null });

    const set = await alice.invoke('groups.setRetryPolicy', { groupId, policy: { maxRetries: 2, timeoutMs: 250 } });
    expect(set.retryPolicy).toEqual({ maxRetries: 2, timeoutMs: 250 });

    await alice.close();
    await alice.start();
    await waitOnline(alice);
    expect((await alice.invoke('groups.get', { groupId })).retryPolicy).toEqual({ maxRetries: 2, timeoutMs: 250 });

    const bobId = await userIdOf(bob);
    await bob.close();
    const failed = alice.waitFor('delivery-failed', (f) => f.groupId === groupId, 20_000);
    const sent = await alice.invoke('messages.sendText', { groupId, text: 'while bob is away' });
    const failure = await failed;
    // The first publish and exactly two retries: the stored policy, not the layer's 100.
    expect(failure).toMatchObject({ messageId: sent.id, reason: 'retries-exhausted', missing: [bobId], attempts: 3 });
    expect((await alice.invoke('messages.get', { messageId: sent.id })).failure).toMatchObject({ reason: 'retries-exhausted', missing: [bobId] });

    // null returns a field to the app's own value.
    const cleared = await alice.invoke('groups.setRetryPolicy', { groupId, policy: { maxRetries: null } });
    expect(cleared.retryPolicy).toEqual({ maxRetries: null, timeoutMs: 250 });
  }, 90_000);
});
