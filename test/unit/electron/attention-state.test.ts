import { describe, expect, it } from 'vitest';
import { AttentionState } from '../../../main/electron/attention-state.js';
import type { GroupView, MessageView } from '../../../shared/domain/views.js';
import type { PushedEvent, Settings } from '../../../shared/ipc/ipc-contract.js';

const group = (groupId: string, over: Partial<GroupView> = {}): GroupView => ({
  groupId,
  name: `Group ${groupId}`,
  mode: 'mls',
  creator: 'u1',
  createdAt: 1,
  isAdmin: false,
  direct: false,
  mergedInto: null,
  retryPolicy: { maxRetries: null, timeoutMs: null },
  myState: 'joined',
  members: [],
  version: 1,
  epoch: 0,
  avatar: null,
  muted: false,
  unreadCount: 0,
  lastActivityAt: 1,
  lastMessage: null,
  ...over,
});

const message = (groupId: string, id = 'm1'): MessageView => ({
  id,
  groupId,
  sender: 'u2',
  senderName: 'Bob',
  isMine: false,
  seq: 1,
  epoch: 0,
  sentAt: 1,
  receivedAt: 2,
  kind: 'text',
  text: 'Hello',
  replyTo: null,
  file: null,
  sendState: 'received',
  pinned: false,
  readBy: 0,
});

const settings = (notifications: boolean): Settings => ({ node: { mode: 'embedded', remoteEndpoint: '' }, theme: 'system', language: 'system', notifications });

describe('the shell’s attention state', () => {
  it('sets the badge from the groups at start, then only from the core’s unread events', () => {
    const state = new AttentionState(() => false);
    expect(state.started(settings(true), [group('g1', { unreadCount: 2 }), group('g2', { unreadCount: 5, muted: true })])).toEqual({ badge: 2 });
    expect(state.onEvent({ event: 'unread', payload: { total: 7, groups: { g1: 7, g2: 5 } } }, 0)).toEqual({ badge: 7 });
    // The same total again changes nothing; a message or a group event never recounts.
    expect(state.onEvent({ event: 'unread', payload: { total: 7, groups: { g1: 7 } } }, 0)).toEqual({});
    expect(state.onEvent({ event: 'group', payload: group('g1', { unreadCount: 9 }) }, 0)).toEqual({});
    expect(state.onEvent({ event: 'unread', payload: { total: 0, groups: {} } }, 0)).toEqual({ badge: 0 });
    // Without the groups (the core refused) the badge waits for the first unread event.
    expect(new AttentionState(() => false).started(null, null)).toEqual({});
  });

  it('keeps quiet for the chat the renderer says it shows, while the window has focus', () => {
    let focused = true;
    const state = new AttentionState(() => focused);
    state.started(settings(true), [group('g1'), group('g2')]);
    let now = 0;
    const notifies = (groupId: string): boolean => {
      now += 60_000; // past the per-chat throttle
      return state.onEvent({ event: 'message', payload: message(groupId) }, now).notify !== undefined;
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
    expect(state.onEvent({ event: 'message', payload: message('g1') }, now + 1)).toEqual({});
  });

  it('learns groups from group events and the setting from settings changes', () => {
    const state = new AttentionState(() => false);
    state.started(settings(true), []);
    expect(state.onEvent({ event: 'message', payload: message('g3') }, 0)).toEqual({});
    state.onEvent({ event: 'group', payload: group('g3', { name: 'Hikers' }) }, 0);
    expect(state.onEvent({ event: 'message', payload: message('g3') }, 1).notify).toMatchObject({ title: 'Hikers', open: { kind: 'group', groupId: 'g3' } });
    state.onEvent({ event: 'group', payload: group('g3', { muted: true }) }, 0);
    expect(state.onEvent({ event: 'message', payload: message('g3') }, 100_000)).toEqual({});
    state.onEvent({ event: 'group', payload: group('g3') }, 0);
    state.settingsChanged(settings(false));
    expect(state.onEvent({ event: 'message', payload: message('g3') }, 200_000)).toEqual({});
    const invitation = { groupId: 'g9', groupName: 'Book club', mode: 'mls' as const, inviter: 'u3', inviterName: 'Carol', memberCount: 4, receivedAt: 1 };
    expect(state.onEvent({ event: 'invitation', payload: { ...invitation, state: 'pending' } }, 0)).toEqual({});
    state.settingsChanged(settings(true));
    expect(state.onEvent({ event: 'invitation', payload: { ...invitation, state: 'pending' } }, 0).notify).toMatchObject({ open: { kind: 'invitation', groupId: 'g9' } });
  });

  it('puts a quiet message left in place of a withdrawn one, and forgets a notification the user closed', () => {
    const state = new AttentionState(() => false);
    state.started(settings(true), [group('g1')]);
    const fromMallory = { ...message('g1', 'm1'), senderName: 'Mallory', text: 'gone soon' };
    expect(state.onEvent({ event: 'message', payload: fromMallory }, 0).notify?.key).toBe('m1');
    // Kept quiet by the throttle: the notification on screen stands for them too.
    expect(state.onEvent({ event: 'message', payload: message('g1', 'm2') }, 1)).toEqual({});
    expect(state.onEvent({ event: 'message', payload: { ...message('g1', 'm3'), senderName: 'Mallory' } }, 2)).toEqual({});
    const retracted = (groupId: string, messageIds: string[]): PushedEvent => ({
      event: 'messages-retracted',
      payload: { groupId, messageIds, senders: [{ userId: 'u9', name: 'Mallory', count: messageIds.length, cutoff: 1 }], reason: 'removed' },
    });
    // Another chat's retraction, or one without the shown message, withdraws nothing.
    expect(state.onEvent(retracted('g2', ['m1']), 3)).toEqual({});
    const replaced = state.onEvent(retracted('g1', ['m1', 'm3']), 3);
    expect(replaced).toEqual({ withdraw: ['m1'], notify: { title: 'Group g1', body: 'Bob: Hello', open: { kind: 'group', groupId: 'g1' }, key: 'm2' } });
    // The user closed it: a later retraction of its message has nothing left to withdraw.
    state.dismissed('m2');
    expect(state.onEvent(retracted('g1', ['m2']), 4)).toEqual({});
  });
});
