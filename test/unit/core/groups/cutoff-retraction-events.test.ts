import { describe, expect, it } from 'vitest';
import type { CoreEventPayloads } from '../../../../shared/domain/core-events.js';
import { userId } from '../../../helpers/test-engines.js';
import { bobWritesPastAlice, removalRaceEachTest } from '../../../helpers/removal-race.js';

type Retracted = CoreEventPayloads['messages-retracted'];
type SendStateEvent = CoreEventPayloads['send-state'];

/**
 * The removal race (docs/PROTOCOL.md) as the UIs hear it. Alice (admin) is offline while bob sends two
 * more messages: carol (and dave) store them, alice does not. Alice removes bob with the cutoff she holds (his
 * first message); when the version reaches carol she lets the later two go and must say so, and bob's
 * two turn failed with the refusal named, so a UI may move them back from what it showed.
 */
describe('a cutoff retraction is told to the UIs', () => {
  const race = removalRaceEachTest();

  it('carol hears exactly the retracted ids, her chat list follows, and bob hears his refused ones as refused', async () => {
    const { world, alice, bob, carol, g } = race();
    const { kept, late } = await bobWritesPastAlice(race(), 'kept', ['late one', 'late two']);
    // Sent within one millisecond they may sort either way: compare as sets.
    expect(carol.latestMessages(g, 10).messages.map((m) => m.id).sort()).toEqual([kept.id, ...late.map((m) => m.id)].sort());
    expect(late.map((m) => m.id)).toContain(carol.getGroup(g).lastMessage?.id);
    expect(carol.getGroup(g).unreadCount).toBe(3);

    const retracted: Retracted[] = [];
    carol.events.on('messages-retracted', (e) => retracted.push(e));
    const bobStates: SendStateEvent[] = [];
    bob.events.on('send-state', (e) => bobStates.push(e));
    const carolHears = carol.events.waitFor('messages-retracted', (e) => e.groupId === g);
    const carolView = carol.events.waitFor('group', (v) => v.groupId === g && !v.members.some((m) => m.userId === userId(bob)));
    const bobRefused = Promise.all(late.map((m) => bob.events.waitFor('send-state', (e) => e.messageId === m.id && e.state === 'failed')));

    await alice.removeMembers(g, [userId(bob)]);
    world.net.setOffline(alice, false);
    await world.net.settle();

    const heard = await carolHears;
    expect(heard.messageIds.slice().sort()).toEqual(late.map((m) => m.id).sort());
    // Whose, how many, up to where, and why: what `kizuna listen` prints.
    expect(heard.senders).toEqual([{ userId: userId(bob), name: 'bob', count: 2, cutoff: kept.seq }]);
    expect(heard.reason).toBe('removed');
    expect(carol.latestMessages(g, 10).messages.map((m) => m.id)).toEqual([kept.id]);
    // The group view sent with the version: the last message is the one left, the unread count what is held.
    const view = await carolView;
    expect(view.lastMessage?.id).toBe(kept.id);
    expect(view.unreadCount).toBe(1);

    const failed = await bobRefused;
    for (const e of failed) expect(e).toEqual({ groupId: g, messageId: e.messageId, state: 'failed', refused: true });
    for (const m of late) expect(bob.getMessage(m.id).failure?.reason).toBe('refused');
    expect(bob.getMessage(kept.id).sendState).toBe('delivered');
    // Said once, and only by the member that held them; alice never stored them, bob keeps his own.
    expect(retracted).toHaveLength(1);
    expect(bobStates.filter((e) => e.messageId === kept.id && e.state === 'failed')).toEqual([]);
  });

  it('a version without anything past its cutoff tells nothing', async () => {
    const { world, alice, bob, carol, g } = race();
    await bob.sendText(g, 'kept');
    await world.net.settle();
    let told = 0;
    carol.events.on('messages-retracted', () => told++);
    const carolView = carol.events.waitFor('group', (v) => v.groupId === g && !v.members.some((m) => m.userId === userId(bob)));
    await alice.removeMembers(g, [userId(bob)]);
    await world.net.settle();
    await carolView;
    // The announcement is queued on the turn after the commit: let a turn pass before counting.
    await new Promise((r) => setImmediate(r));
    expect(told).toBe(0);
    expect(carol.latestMessages(g, 10).messages).toHaveLength(1);
  });
});
