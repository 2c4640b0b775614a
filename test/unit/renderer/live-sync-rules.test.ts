import { describe, expect, it } from 'vitest';
import { LiveSyncBatch, TYPING_TTL_MS, deepLinkAction, invitationAction, typingAction, typingEndedBy } from '../../../renderer/state/live-sync-rules';
import { group, member, message } from './view-fixtures';

describe('live sync batches', () => {
  it('keeps the newest view of each group and collapses repeats', () => {
    const batch = new LiveSyncBatch();
    expect(batch.isEmpty).toBe(true);
    batch.group(group('g1', { name: 'old' }));
    batch.group(group('g2'));
    batch.group(group('g1', { name: 'new' }));
    batch.group(group('g2'));
    expect(batch.take()).toEqual([{ type: 'groups-upserted', groups: [group('g1', { name: 'new' }), group('g2')] }]);
    expect(batch.isEmpty).toBe(true);
    expect(batch.take()).toEqual([]);
  });

  it('applies a group’s activity to its view in the same batch, and lets a later view replace earlier activity', () => {
    const batch = new LiveSyncBatch();
    const last = { id: 'm2', sender: 'u2', senderName: 'Bob', sentAt: 20, kind: 'text' as const, text: 'hi' };
    batch.group(group('g1', { name: 'Hikers', unreadCount: 1 }));
    batch.groupActivity({ groupId: 'g1', unreadCount: 2, lastActivityAt: 20, lastMessage: last });
    batch.groupActivity({ groupId: 'g2', unreadCount: 5, lastActivityAt: 30, lastMessage: null });
    batch.groupActivity({ groupId: 'g3', unreadCount: 1, lastActivityAt: 40, lastMessage: null });
    batch.group(group('g3', { unreadCount: 0 }));
    expect(batch.take()).toEqual([
      { type: 'groups-upserted', groups: [group('g1', { name: 'Hikers', unreadCount: 2, lastActivityAt: 20, lastMessage: last }), group('g3', { unreadCount: 0 })] },
      { type: 'groups-active', activity: [{ groupId: 'g2', unreadCount: 5, lastActivityAt: 30, lastMessage: null }] },
    ]);
    expect(batch.isEmpty).toBe(true);
  });

  it('applies online marks to a view in the same batch, keeps the last mark per member, and lets a later view replace them', () => {
    const batch = new LiveSyncBatch();
    batch.group(group('g1', { members: [member('u1'), member('u2', { online: true })] }));
    batch.presence({ groupId: 'g1', userId: 'u1', online: true });
    batch.presence({ groupId: 'g2', userId: 'u1', online: true });
    batch.presence({ groupId: 'g2', userId: 'u1', online: false });
    batch.presence({ groupId: 'g2', userId: 'u3', online: true });
    batch.presence({ groupId: 'g3', userId: 'u1', online: true });
    batch.group(group('g3'));
    expect(batch.take()).toEqual([
      { type: 'groups-upserted', groups: [group('g1', { members: [member('u1', { online: true }), member('u2', { online: true })] }), group('g3')] },
      { type: 'members-presence', online: { g2: { u1: false, u3: true } } },
    ]);
    expect(batch.isEmpty).toBe(true);
  });

  it('moves file progress forward only within a batch', () => {
    const batch = new LiveSyncBatch();
    const file = (have: number, complete = false) => ({ groupId: 'g1', hash: 'h1', have, total: 4, complete });
    batch.file(file(2));
    batch.file(file(4, true));
    batch.file(file(3));
    expect(batch.take()).toEqual([{ type: 'files-progressed', files: { h1: { have: 4, total: 4, complete: true } } }]);
  });
});

describe('live sync rules', () => {
  it('shows others typing for a while of local time, never ourselves', () => {
    const ev = { groupId: 'g1', userId: 'u2', typing: true, at: 1 };
    expect(typingAction(ev, 'u1', 1_000)).toEqual({ type: 'typing', groupId: 'g1', userId: 'u2', until: 1_000 + TYPING_TTL_MS });
    expect(typingAction({ ...ev, typing: false }, 'u1', 1_000)).toEqual({ type: 'typing', groupId: 'g1', userId: 'u2', until: null });
    expect(typingAction(ev, 'u2', 1_000)).toBeNull();
    expect(typingEndedBy(message('m1', 1))).toEqual({ type: 'typing', groupId: 'g1', userId: 'u2', until: null });
    expect(typingEndedBy(message('m1', 1, { isMine: true }))).toBeNull();
  });

  it('lists pending invitations and drops answered ones', () => {
    const inv = { groupId: 'g9', groupName: 'Book club', mode: 'mls' as const, inviter: 'u3', inviterName: 'Carol', memberCount: 4, receivedAt: 1 };
    expect(invitationAction({ ...inv, state: 'pending' })).toEqual({ type: 'invitation-upserted', invitation: inv });
    for (const state of ['accepted', 'declined', 'stale'] as const) expect(invitationAction({ ...inv, state })).toEqual({ type: 'invitation-removed', groupId: 'g9' });
  });

  it('turns a link into a draft contact (never added silently), an open chat or the chat list', () => {
    expect(deepLinkAction({ kind: 'contact', card: 'kizuna://contact/x' })).toEqual({ type: 'contact-draft', card: 'kizuna://contact/x' });
    expect(deepLinkAction({ kind: 'group', groupId: 'g1' })).toEqual({ type: 'open-group', groupId: 'g1' });
    expect(deepLinkAction({ kind: 'invitation', groupId: 'g1' })).toEqual({ type: 'navigate', view: 'chats' });
  });
});
