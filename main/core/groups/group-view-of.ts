import type { GroupActivityView, GroupView, MessagePreview } from '../../../shared/domain/views.js';
import { fileLine } from '../../../shared/domain/file-line.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { StoreReader } from '../store/store.js';
import type { GroupRow } from '../store/tables/groups-table.js';
import { avatarText } from './avatar-text.js';
import { memberNameIn } from './member-names.js';
import { memberViews } from './member-views.js';

/*
 * A group's view from the store alone, in its own file so the CLI's read-only commands (which open no
 * engine) reach nothing that needs crypto: test/unit/build/cli-read-path.test.ts keeps it so.
 */

/** The same view from the store alone (the CLI's read-only commands open no engine). */
export function groupViewOf(read: StoreReader, selfUserId: Uint8Array, row: GroupRow): GroupView {
  const members = memberViews(read, selfUserId, row.groupId);
  const lastMessage = lastMessageOf(read, row);
  return {
    groupId: toBase64Url(row.groupId),
    name: row.name,
    mode: row.mode,
    creator: toBase64Url(row.creator),
    createdAt: row.createdAt,
    isAdmin: bytesEqual(row.creator, selfUserId),
    myState: row.myState,
    members,
    version: row.latestVersion,
    epoch: row.epoch,
    avatar: row.avatar === null || row.avatarMime === null ? null : { mime: row.avatarMime, base64: avatarText(row.groupId, row.avatar) },
    muted: row.muted === 1,
    unreadCount: row.unreadCount,
    lastActivityAt: row.lastActivityAt,
    lastMessage,
    direct: row.direct === 1,
    mergedInto: mergedInto(read, row.groupId),
    retryPolicy: retryPolicyOf(read, row.groupId),
  };
}

/** What a stored message moves in the group's view (the `group-activity` event): no member is read. */
export function groupActivityOf(read: StoreReader, row: GroupRow): GroupActivityView {
  return { groupId: toBase64Url(row.groupId), unreadCount: row.unreadCount, lastActivityAt: row.lastActivityAt, lastMessage: lastMessageOf(read, row) };
}

function lastMessageOf(read: StoreReader, row: GroupRow): MessagePreview | null {
  if (row.lastMessageId === null) return null;
  const m = read.messages.get(row.lastMessageId);
  if (m === undefined) return null;
  return {
    id: toBase64Url(m.id),
    sender: toBase64Url(m.sender),
    senderName: memberNameIn(read, m.groupId, m.sender) ?? '',
    sentAt: m.sentAt,
    kind: m.kind,
    text: (m.kind === 'text' ? m.body : fileLine(m.fileName ?? '', m.body)).slice(0, 200),
  };
}

/** The group's stored retry policy (null fields follow the session layer's values); see group-retry-policy.ts. */
function retryPolicyOf(read: StoreReader, groupId: Uint8Array): GroupView['retryPolicy'] {
  const row = read.retryPolicies.get(groupId);
  return { maxRetries: row?.maxRetries ?? null, timeoutMs: row?.timeoutMs ?? null };
}

/** The chat a merged direct chat was folded into (issue 11), or null. */
function mergedInto(read: StoreReader, groupId: Uint8Array): string | null {
  const kept = read.directMerges.keptFor(groupId);
  return kept === undefined ? null : toBase64Url(kept);
}
