import { describe, expect, it } from 'vitest';
import {
  NotificationThrottle,
  invitationNotification,
  messageNotification,
  unreadTotal,
  type NotificationContext,
} from '../../../main/electron/notification-policy.js';
import type { MessageView } from '../../../shared/domain/views.js';

const message = (over: Partial<MessageView> = {}): MessageView => ({
  id: 'm1',
  groupId: 'g1',
  sender: 'u2',
  senderName: 'Bob',
  isMine: false,
  seq: 1,
  epoch: 0,
  sentAt: 1,
  receivedAt: 2,
  kind: 'text',
  text: 'Hello there',
  replyTo: null,
  file: null,
  sendState: 'received',
  pinned: false,
  readBy: 0,
  ...over,
});

const ctx = (over: Partial<NotificationContext> = {}): NotificationContext => ({
  enabled: true,
  windowFocused: false,
  activeGroupId: null,
  groups: new Map([
    ['g1', { name: 'Hikers', muted: false, myState: 'joined' as const }],
    ['g2', { name: 'Muted', muted: true, myState: 'joined' as const }],
  ]),
  ...over,
});

describe('desktop notifications', () => {
  it('notifies a new message with the group name, sender and text, opening the chat', () => {
    expect(messageNotification(message(), ctx())).toEqual({ title: 'Hikers', body: 'Bob: Hello there', open: { kind: 'group', groupId: 'g1' } });
  });

  it('stays quiet for the open, focused chat, but not for other chats or an unfocused window', () => {
    expect(messageNotification(message(), ctx({ windowFocused: true, activeGroupId: 'g1' }))).toBeNull();
    expect(messageNotification(message(), ctx({ windowFocused: false, activeGroupId: 'g1' }))).not.toBeNull();
    expect(messageNotification(message(), ctx({ windowFocused: true, activeGroupId: 'other' }))).not.toBeNull();
  });

  it('respects muted groups, the notifications setting, own messages and unknown groups', () => {
    expect(messageNotification(message({ groupId: 'g2' }), ctx())).toBeNull();
    expect(messageNotification(message(), ctx({ enabled: false }))).toBeNull();
    expect(messageNotification(message({ isMine: true, sendState: 'sent' }), ctx())).toBeNull();
    expect(messageNotification(message({ groupId: 'nope' }), ctx())).toBeNull();
  });

  it('shortens long text and names attachments', () => {
    const long = messageNotification(message({ text: 'x'.repeat(500) }), ctx());
    expect(long?.body.length).toBe(140);
    expect(long?.body.endsWith('…')).toBe(true);
    const file = messageNotification(message({ kind: 'file', text: '', file: { name: 'map.pdf', size: 1, mime: 'application/pdf', hash: 'h', available: false } }), ctx());
    expect(file?.body).toBe('Bob: 📎 map.pdf');
  });

  it('notifies pending invitations only', () => {
    const inv = { groupId: 'g9', groupName: 'Book club', mode: 'mls' as const, inviter: 'u3', inviterName: 'Carol', memberCount: 4, receivedAt: 1 };
    expect(invitationNotification({ ...inv, state: 'pending' }, { enabled: true })).toEqual({
      title: 'Invitation to Book club',
      body: 'Carol invited you (4 members).',
      open: { kind: 'invitation', groupId: 'g9' },
    });
    expect(invitationNotification({ ...inv, state: 'accepted' }, { enabled: true })).toBeNull();
    expect(invitationNotification({ ...inv, state: 'pending' }, { enabled: false })).toBeNull();
  });

  it('throttles a burst per chat', () => {
    const t = new NotificationThrottle(10_000);
    expect(t.allow('g1', 0)).toBe(true);
    expect(t.allow('g1', 5_000)).toBe(false);
    expect(t.allow('g2', 5_000)).toBe(true);
    expect(t.allow('g1', 10_001)).toBe(true);
  });
});

describe('unread count at start', () => {
  it('sums unread messages of joined, unmuted groups', () => {
    expect(
      unreadTotal([
        { unreadCount: 3, muted: false, myState: 'joined' },
        { unreadCount: 5, muted: true, myState: 'joined' },
        { unreadCount: 2, muted: false, myState: 'invited' },
        { unreadCount: 1, muted: false, myState: 'joined' },
      ]),
    ).toBe(4);
    expect(unreadTotal([])).toBe(0);
  });
});
