/**
 * Notifications that tell the truth: what the core says took a notification's news away (the chat
 * read in whole or in part, left, lost or muted; the invitation answered or stale; the message retracted) takes it off screen,
 * and the screen stays bounded per chat and for invitations. Asserted on what a FakeNotifier shows.
 */
import { describe, expect, it } from 'vitest';
import { AttentionState } from '../../../main/electron/attention-state.js';
import { CHAT_NOTICES_MAX, INVITATION_NOTICES_MAX } from '../../../main/electron/notice-board.js';
import type { MyGroupState } from '../../../shared/domain/views.js';
import { FakeNotifier } from '../../helpers/fake-notifier.js';
import { group, invitation, message, read, retracted, settings } from './attention-fixtures.js';

/** A shell with chats g1 and g2, unfocused, and a clock past the per-chat throttle at every message. */
function shell(): { screen: FakeNotifier; state: AttentionState; receive: (groupId: string, id: string) => void } {
  const screen = new FakeNotifier();
  const state = new AttentionState(() => false, screen);
  state.started(settings(true), [group('g1', { unreadCount: 1 }), group('g2', { unreadCount: 1 })]);
  let now = 0;
  const receive = (groupId: string, id: string): void => {
    now += 60_000;
    state.onEvent({ event: 'message', payload: message(groupId, id, { text: id }) }, now);
  };
  return { screen, state, receive };
}

describe('notifications the core’s events take back', () => {
  it('closes a chat’s notifications when its group event shows nothing unread, and only that chat’s', () => {
    const { screen, state, receive } = shell();
    receive('g1', 'a1');
    receive('g1', 'a2');
    receive('g2', 'b1');
    // Still unread: nothing changes.
    state.onEvent({ event: 'group', payload: group('g1', { unreadCount: 2 }) }, 0);
    expect(screen.bodies('g1')).toEqual(['Bob: a1', 'Bob: a2']);
    // Read (in the app, or on another device): the chat's notifications go, the other chat's stay.
    state.onEvent({ event: 'group', payload: group('g1', { unreadCount: 0 }) }, 0);
    expect(screen.bodies('g1')).toEqual([]);
    expect(screen.withdrawn().map((c) => c.body)).toEqual(['Bob: a1', 'Bob: a2']);
    expect(screen.bodies('g2')).toEqual(['Bob: b1']);
  });

  it('closes a chat’s notifications when its activity after a message shows nothing unread, and keeps them while some is', () => {
    const { screen, state, receive } = shell();
    receive('g1', 'a1');
    receive('g2', 'b1');
    state.onEvent({ event: 'group-activity', payload: { groupId: 'g1', unreadCount: 1, lastActivityAt: 1, lastMessage: null } }, 0);
    expect(screen.bodies('g1')).toEqual(['Bob: a1']);
    state.onEvent({ event: 'group-activity', payload: { groupId: 'g1', unreadCount: 0, lastActivityAt: 2, lastMessage: null } }, 0);
    expect(screen.bodies('g1')).toEqual([]);
    expect(screen.bodies('g2')).toEqual(['Bob: b1']);
  });

  it('lets a read chat notify again at once (no throttle held over from what was withdrawn)', () => {
    const { screen, state } = shell();
    state.onEvent({ event: 'message', payload: message('g1', 'x1', { text: 'first' }) }, 1_000);
    state.onEvent({ event: 'group', payload: group('g1', { unreadCount: 0 }) }, 1_001);
    state.onEvent({ event: 'message', payload: message('g1', 'x2', { text: 'second' }) }, 1_002);
    expect(screen.bodies('g1')).toEqual(['Bob: second']);
  });

  it.each<MyGroupState>(['left', 'removed', 'closed', 'declined'])('closes a chat’s notifications once we are %s', (myState) => {
    const { screen, state, receive } = shell();
    receive('g1', 'a1');
    receive('g2', 'b1');
    // Unread messages may remain counted on a chat we left: the state alone takes them back.
    state.onEvent({ event: 'group', payload: group('g1', { myState, unreadCount: 1 }) }, 0);
    expect(screen.bodies('g1')).toEqual([]);
    expect(screen.bodies('g2')).toEqual(['Bob: b1']);
  });

  it('closes a chat’s notifications once it is muted, still unread, and only that chat’s', () => {
    const { screen, state, receive } = shell();
    receive('g1', 'a1');
    receive('g1', 'a2');
    receive('g2', 'b1');
    state.onEvent({ event: 'group', payload: group('g1', { muted: true, unreadCount: 2 }) }, 0);
    expect(screen.bodies('g1')).toEqual([]);
    expect(screen.withdrawn().map((c) => c.body)).toEqual(['Bob: a1', 'Bob: a2']);
    expect(screen.bodies('g2')).toEqual(['Bob: b1']);
    // Muted, it stays quiet; unmuted, it notifies again.
    receive('g1', 'a3');
    expect(screen.bodies('g1')).toEqual([]);
    state.onEvent({ event: 'group', payload: group('g1', { muted: false, unreadCount: 3 }) }, 0);
    receive('g1', 'a4');
    expect(screen.bodies('g1')).toEqual(['Bob: a4']);
  });

  it(`keeps at most ${CHAT_NOTICES_MAX} notifications per chat on screen, closing the oldest`, () => {
    const { screen, receive } = shell();
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) receive('g1', id);
    receive('g2', 'b1');
    expect(CHAT_NOTICES_MAX).toBe(3);
    expect(screen.bodies('g1')).toEqual(['Bob: a3', 'Bob: a4', 'Bob: a5']);
    expect(screen.withdrawn().map((c) => c.body)).toEqual(['Bob: a1', 'Bob: a2']);
    // Another chat has its own allowance.
    expect(screen.bodies('g2')).toEqual(['Bob: b1']);
  });

  it(`keeps at most ${INVITATION_NOTICES_MAX} invitation notifications on screen, closing the oldest`, () => {
    const { screen, state } = shell();
    const groups = ['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7'];
    for (const g of groups) state.onEvent(invitation(g), 0);
    expect(INVITATION_NOTICES_MAX).toBe(5);
    const invitations = (): string[] => screen.onScreen().flatMap((c) => (c.open.kind === 'invitation' ? [c.open.groupId] : []));
    expect(invitations()).toEqual(['i3', 'i4', 'i5', 'i6', 'i7']);
    // The same group invited again replaces its notification: still five, one per group.
    state.onEvent(invitation('i5', 'pending', 'Club renamed'), 0);
    expect(invitations()).toEqual(['i3', 'i4', 'i6', 'i7', 'i5']);
    expect(screen.bodies('i5', 'invitation')).toHaveLength(1);
  });

  it.each(['accepted', 'declined', 'stale'] as const)('withdraws an invitation’s notification once it is %s', (answer) => {
    const { screen, state } = shell();
    state.onEvent(invitation('i1'), 0);
    state.onEvent(invitation('i2'), 0);
    state.onEvent(invitation('i1', answer), 0);
    expect(screen.bodies('i1', 'invitation')).toEqual([]);
    expect(screen.withdrawn()).toHaveLength(1);
    expect(screen.bodies('i2', 'invitation')).toHaveLength(1);
    // An answered invitation is not shown again by a late event for it.
    state.onEvent(invitation('i1', answer), 0);
    expect(screen.shown).toHaveLength(2);
  });

  it('closes every notification on screen that shows a retracted message, and no other', () => {
    const { screen, state, receive } = shell();
    for (const id of ['a1', 'a2', 'a3']) receive('g1', id);
    receive('g2', 'b1');
    state.onEvent(retracted('g1', ['a1', 'a3', 'never-shown']), 0);
    expect(screen.withdrawn().map((c) => c.body)).toEqual(['Bob: a1', 'Bob: a3']);
    expect(screen.bodies('g1')).toEqual(['Bob: a2']);
    expect(screen.bodies('g2')).toEqual(['Bob: b1']);
    // What the cap closed earlier is not closed twice; a retraction in another chat touches nothing here.
    state.onEvent(retracted('g2', ['a2']), 0);
    expect(screen.bodies('g1')).toEqual(['Bob: a2']);
  });

  it('closes the notifications of messages read in part, and keeps those of the chat’s unread ones', () => {
    const { screen, state, receive } = shell();
    for (const id of ['a1', 'a2', 'a3']) receive('g1', id);
    receive('g2', 'b1');
    state.onEvent(read('g1', ['a1', 'a3']), 0);
    // The group event that follows still counts a2 unread: it closes nothing more.
    state.onEvent({ event: 'group', payload: group('g1', { unreadCount: 1 }) }, 0);
    expect(screen.withdrawn().map((c) => c.body)).toEqual(['Bob: a1', 'Bob: a3']);
    expect(screen.bodies('g1')).toEqual(['Bob: a2']);
    expect(screen.bodies('g2')).toEqual(['Bob: b1']);
    // Reads in another chat touch nothing here.
    state.onEvent(read('g2', ['a2']), 0);
    expect(screen.bodies('g1')).toEqual(['Bob: a2']);
  });

  it('puts the newest unread message a read notification stood for back on screen', () => {
    const { screen, state } = shell();
    // Within the throttle's window: q1 and q2 are kept quiet, a1's notification stands for them.
    for (const [id, at] of [['a1', 1_000], ['q1', 1_001], ['q2', 1_002]] as const) state.onEvent({ event: 'message', payload: message('g1', id, { text: id }) }, at);
    expect(screen.bodies('g1')).toEqual(['Bob: a1']);
    state.onEvent(read('g1', ['a1', 'q2']), 1_003);
    expect(screen.bodies('g1')).toEqual(['Bob: q1']);
    // Read too: nothing is left to stand for.
    state.onEvent(read('g1', ['q1']), 1_004);
    expect(screen.bodies('g1')).toEqual([]);
  });

  it('closes everything it showed when the shell goes', () => {
    const { screen, state, receive } = shell();
    receive('g1', 'a1');
    state.onEvent(invitation('i1'), 0);
    state.closeAll();
    expect(screen.onScreen()).toEqual([]);
  });
});
