import type { GroupMemberView, GroupView, MessageView } from '../../../shared/domain/views.js';

/** A message view as the core would send it (only what a test names differs). */
export function message(id: string, sentAt: number, over: Partial<MessageView> = {}): MessageView {
  return {
    id,
    groupId: 'g1',
    sender: 'u2',
    senderName: 'Bob',
    isMine: false,
    seq: sentAt,
    epoch: 0,
    sentAt,
    receivedAt: sentAt,
    kind: 'text',
    text: `message ${id}`,
    replyTo: null,
    file: null,
    sendState: 'received',
    pinned: false,
    readBy: 0,
    ...over,
  };
}

/** Messages m<from>..m<to> sent at times from..to, oldest first. */
export function messages(from: number, to: number): MessageView[] {
  const out: MessageView[] = [];
  for (let i = from; i <= to; i++) out.push(message(`m${String(i).padStart(4, '0')}`, i));
  return out;
}

export function group(groupId: string, over: Partial<GroupView> = {}): GroupView {
  return {
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
  };
}

/** A joined member who is not us (only what a test names differs). */
export function member(userId: string, over: Partial<GroupMemberView> = {}): GroupMemberView {
  return { userId, displayName: userId, slimName: `org/ns/${userId}`, role: 'member', status: 'joined', isSelf: false, ...over };
}

export const ids = (items: readonly { id: string }[]): string[] => items.map((m) => m.id);
