/** Views the shell's attention tests feed it, as the core would send them. */
import type { CoreEventPayloads } from '../../../shared/domain/core-events.js';
import type { GroupView, MessageView } from '../../../shared/domain/views.js';
import type { PushedEvent, Settings } from '../../../shared/ipc/ipc-contract.js';

export const group = (groupId: string, over: Partial<GroupView> = {}): GroupView => ({
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

export const message = (groupId: string, id = 'm1', over: Partial<MessageView> = {}): MessageView => ({
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
  ...over,
});

export const settings = (notifications: boolean): Settings => ({ node: { mode: 'embedded', remoteEndpoint: '' }, theme: 'system', language: 'system', notifications });

type InvitationState = CoreEventPayloads['invitation']['state'];

export const invitation = (groupId: string, state: InvitationState = 'pending', groupName = `Club ${groupId}`): PushedEvent => ({
  event: 'invitation',
  payload: { groupId, groupName, mode: 'mls', inviter: 'u3', inviterName: 'Carol', memberCount: 4, receivedAt: 1, state },
});

export const retracted = (groupId: string, messageIds: string[]): PushedEvent => ({
  event: 'messages-retracted',
  payload: { groupId, messageIds, senders: [{ userId: 'u9', name: 'Mallory', count: messageIds.length, cutoff: 1 }], reason: 'removed' },
});

/** This device marked `messageIds` of `groupId` read (the core's `messages-read`). */
export const read = (groupId: string, messageIds: string[]): PushedEvent => ({ event: 'messages-read', payload: { groupId, messageIds } });
