/** Views the shell's attention tests feed it, as the core would send them. */
import type { CoreEventPayloads } from '../../../shared/domain/core-events.js';
import type { MessageView } from '../../../shared/domain/views.js';
import { message as viewMessage } from '../renderer/view-fixtures.js';
import type { PushedEvent, Settings } from '../../../shared/ipc/ipc-contract.js';

/** A group view as the core would send it: the renderer tests' fixture. */
export { group } from '../renderer/view-fixtures.js';

/** A received text message of `groupId` as the core would send it (only what a test names differs). */
export const message = (groupId: string, id = 'm1', over: Partial<MessageView> = {}): MessageView =>
  viewMessage(id, 1, { groupId, seq: 1, receivedAt: 2, text: 'Hello', ...over });

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
