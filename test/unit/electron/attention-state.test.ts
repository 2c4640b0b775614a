import { describe, expect, it } from 'vitest';
import { AttentionState } from '../../../main/electron/attention-state.js';
import { FakeNotifier } from '../../helpers/fake-notifier.js';
import { group, invitation, message, retracted, settings } from './attention-fixtures.js';

describe('the shell’s attention state', () => {
  it('sets the badge from the groups at start, then only from the core’s unread events', () => {
    const state = new AttentionState(() => false, new FakeNotifier());
    expect(state.started(settings(true), [group('g1', { unreadCount: 2 }), group('g2', { unreadCount: 5, muted: true })])).toEqual({ badge: 2 });
    expect(state.onEvent({ event: 'unread', payload: { total: 7, groups: { g1: 7, g2: 5 } } }, 0)).toEqual({ badge: 7 });
    // The same total again changes nothing; a message or a group event never recounts.
    expect(state.onEvent({ event: 'unread', payload: { total: 7, groups: { g1: 7 } } }, 0)).toEqual({});
    expect(state.onEvent({ event: 'group', payload: group('g1', { unreadCount: 9 }) }, 0)).toEqual({});
    expect(state.onEvent({ event: 'unread', payload: { total: 0, groups: {} } }, 0)).toEqual({ badge: 0 });
    // Without the groups (the core refused) the badge waits for the first unread event.
    expect(new AttentionState(() => false, new FakeNotifier()).started(null, null)).toEqual({});
  });

  it('keeps quiet for the chat the renderer says it shows, while the window has focus', () => {
    let focused = true;
    const screen = new FakeNotifier();
    const state = new AttentionState(() => focused, screen);
    state.started(settings(true), [group('g1'), group('g2')]);
    let now = 0;
    const notifies = (groupId: string): boolean => {
      const before = screen.shown.length;
      now += 60_000; // past the per-chat throttle
      state.onEvent({ event: 'message', payload: message(groupId, `m${now}`) }, now);
      return screen.shown.length > before;
    };
    expect(notifies('g1')).toBe(true);
    state.setOpenChat('g1');
    expect(notifies('g1')).toBe(false);
    expect(notifies('g2')).toBe(true);
    focused = false;
    expect(notifies('g1')).toBe(true);
    focused = true;
    state.setOpenChat(null);
    expect(notifies('g1')).toBe(true);
    // Within the throttle's window, with the chat's notification on screen: kept quiet.
    state.onEvent({ event: 'message', payload: message('g1', 'soon after') }, now + 1);
    expect(screen.shown).toHaveLength(4);
  });

  it('learns groups from group events and the setting from settings changes', () => {
    const screen = new FakeNotifier();
    const state = new AttentionState(() => false, screen);
    state.started(settings(true), []);
    state.onEvent({ event: 'message', payload: message('g3') }, 0);
    expect(screen.shown).toEqual([]);
    state.onEvent({ event: 'group', payload: group('g3', { name: 'Hikers', unreadCount: 1 }) }, 0);
    state.onEvent({ event: 'message', payload: message('g3', 'm2') }, 1);
    expect(screen.onScreen()).toEqual([{ title: 'Hikers', body: 'Bob: Hello', open: { kind: 'group', groupId: 'g3' } }]);
    state.onEvent({ event: 'group', payload: group('g3', { muted: true, unreadCount: 1 }) }, 0);
    state.onEvent({ event: 'message', payload: message('g3', 'm3') }, 100_000);
    state.onEvent({ event: 'group', payload: group('g3', { unreadCount: 1 }) }, 0);
    state.settingsChanged(settings(false));
    state.onEvent({ event: 'message', payload: message('g3', 'm4') }, 200_000);
    state.onEvent(invitation('g9'), 0);
    expect(screen.shown).toHaveLength(1);
    state.settingsChanged(settings(true));
    state.onEvent(invitation('g9'), 0);
    expect(screen.onScreen().at(-1)).toMatchObject({ open: { kind: 'invitation', groupId: 'g9' } });
  });

  it('puts a quiet message left in place of a withdrawn one, and forgets a notification the user closed', () => {
    const screen = new FakeNotifier();
    const state = new AttentionState(() => false, screen);
    state.started(settings(true), [group('g1')]);
    state.onEvent({ event: 'message', payload: message('g1', 'm1', { senderName: 'Mallory', text: 'gone soon' }) }, 0);
    // Kept quiet by the throttle: the notification on screen stands for them too.
    state.onEvent({ event: 'message', payload: message('g1', 'm2') }, 1);
    state.onEvent({ event: 'message', payload: message('g1', 'm3', { senderName: 'Mallory' }) }, 2);
    expect(screen.bodies('g1')).toEqual(['Mallory: gone soon']);
    // Another chat's retraction, or one without the shown message, withdraws nothing.
    state.onEvent(retracted('g2', ['m1']), 3);
    state.onEvent(retracted('g1', ['m3']), 3);
    expect(screen.bodies('g1')).toEqual(['Mallory: gone soon']);
    state.onEvent(retracted('g1', ['m1']), 3);
    expect(screen.withdrawn().map((c) => c.body)).toEqual(['Mallory: gone soon']);
    expect(screen.bodies('g1')).toEqual(['Bob: Hello']);
    // The user closed it: a later retraction of its message has nothing left to withdraw, and the
    // chat's next message is not held back by the throttle (nothing of the chat is on screen).
    screen.userCloses('Bob: Hello');
    state.onEvent(retracted('g1', ['m2']), 4);
    expect(screen.withdrawn()).toHaveLength(1);
    state.onEvent({ event: 'message', payload: message('g1', 'm5', { text: 'right after' }) }, 5);
    expect(screen.bodies('g1')).toEqual(['Bob: right after']);
  });
});
