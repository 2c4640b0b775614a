/**
 * The shell's notifications against the real core (real engines on a loopback network, real SQLite
 * and MLS): bob's shell shows alice's invitation and messages, and takes each back when bob's own
 * core says its news is gone: the invitation answered, the chat read (in whole or in part), muted, left or lost.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../main/core/engine/engine.js';
import { AttentionState } from '../../../main/electron/attention-state.js';
import type { MessageView } from '../../../shared/domain/views.js';
import { attendEngine } from '../../helpers/attend-engine.js';
import { FakeNotifier } from '../../helpers/fake-notifier.js';
import { userId, waitForSameEpoch } from '../../helpers/test-engines.js';
import { createWorld, type TestWorld } from '../../helpers/test-world.js';
import { settings } from './attention-fixtures.js';

describe('notifications the real core takes back', () => {
  let world: TestWorld;
  let alice: Engine;
  let bob: Engine;
  let carol: Engine;
  let dave: Engine;
  let screen: FakeNotifier;
  /** The shell's clock: each test moves it past the per-chat throttle where it means to. */
  let now: number;

  beforeEach(async () => {
    // Four: a removal must leave the admin two members.
    world = await createWorld('alice', 'bob', 'carol', 'dave');
    [alice, bob, carol, dave] = world.engines as [Engine, Engine, Engine, Engine];
    screen = new FakeNotifier();
    const state = new AttentionState(() => false, screen);
    now = 0;
    attendEngine(bob, state, () => now);
    state.started(settings(true), bob.listGroups());
  });
  afterEach(async () => {
    await world.close();
  });

  /** Alice invites the others to a sealed group. Returns the group id. */
  async function invited(): Promise<string> {
    const g = (await alice.createGroup({ name: 'Trip', members: [userId(bob), userId(carol), userId(dave)], mode: 'sealed' })).groupId;
    await world.net.settle();
    expect(screen.bodies(g, 'invitation')).toEqual(['alice invited you (4 members).']);
    return g;
  }

  /** The same, and everyone accepts. */
  async function joinedTrip(): Promise<string> {
    const g = await invited();
    for (const e of [bob, carol, dave]) await e.acceptInvitation(g);
    await world.net.settle();
    await waitForSameEpoch(g, alice, [bob, carol, dave]);
    return g;
  }

  /** `from` writes `text` a minute in (past the throttle): bob's screen shows it as the chat's one notification. */
  async function notified(g: string, from: Engine, name: string, text: string): Promise<void> {
    now = 60_000;
    await from.sendText(g, text);
    await world.net.settle();
    expect(screen.bodies(g)).toEqual([`${name}: ${text}`]);
  }

  it('withdraws the invitation once accepted, then a message’s notification once the chat is read', async () => {
    const g = await joinedTrip();
    expect(screen.bodies(g, 'invitation')).toEqual([]);
    expect(screen.withdrawn().map((c) => c.open)).toEqual([{ kind: 'invitation', groupId: g }]);

    await notified(g, alice, 'alice', 'hello');
    const read = bob.events.waitFor('group-activity', (v) => v.groupId === g && v.unreadCount === 0);
    await bob.markRead(g);
    await read;
    expect(screen.bodies(g)).toEqual([]);

    // Nothing of the chat is on screen: carol's message right after notifies at once.
    now += 1;
    await carol.sendText(g, 'me too');
    await world.net.settle();
    expect(screen.bodies(g)).toEqual(['carol: me too']);
  });

  it('withdraws the notifications of the messages bob read, and keeps the unread one’s', async () => {
    const g = await joinedTrip();
    const sent: MessageView[] = [];
    for (const text of ['one', 'two', 'three']) {
      now += 60_000;
      sent.push(await alice.sendText(g, text));
      await world.net.settle();
    }
    expect(screen.bodies(g)).toEqual(['alice: one', 'alice: two', 'alice: three']);
    const [one, , three] = sent.map((m) => m.id) as [string, string, string];
    const readEvent = bob.events.waitFor('messages-read', (r) => r.groupId === g);
    const counted = bob.events.waitFor('group-activity', (v) => v.groupId === g && v.unreadCount === 1);
    // Read twice over: only what was still unread is named.
    expect(await bob.markRead(g, undefined, [one, three, one])).toBe(2);
    expect((await readEvent).messageIds).toEqual([one, three]);
    await counted;
    expect(screen.bodies(g)).toEqual(['alice: two']);
    expect(screen.withdrawn().map((c) => c.body)).toEqual(['alice invited you (4 members).', 'alice: one', 'alice: three']);
  });

  it('withdraws a chat’s notifications when bob mutes it, its messages still unread', async () => {
    const g = await joinedTrip();
    await notified(g, alice, 'alice', 'dinner at eight');
    const muted = bob.events.waitFor('group', (v) => v.groupId === g && v.muted && v.unreadCount === 1);
    bob.setMuted(g, true);
    await muted;
    expect(screen.bodies(g)).toEqual([]);
  });

  it('withdraws a declined invitation', async () => {
    const g = await invited();
    const declined = bob.events.waitFor('invitation', (i) => i.groupId === g && i.state === 'declined');
    bob.declineInvitation(g);
    await declined;
    expect(screen.bodies(g, 'invitation')).toEqual([]);
  });

  it('withdraws a chat’s notifications when bob leaves it, unread or not', async () => {
    const g = await joinedTrip();
    await notified(g, alice, 'alice', 'are you coming?');
    await bob.leaveGroup(g);
    expect(screen.bodies(g)).toEqual([]);
  });

  it('withdraws a chat’s notifications when alice removes bob', async () => {
    const g = await joinedTrip();
    await notified(g, carol, 'carol', 'see you there');
    const removed = bob.events.waitFor('group', (v) => v.groupId === g && v.myState === 'removed');
    await alice.removeMembers(g, [userId(bob)]);
    await world.net.settle();
    await removed;
    expect(screen.bodies(g)).toEqual([]);
  });
});
