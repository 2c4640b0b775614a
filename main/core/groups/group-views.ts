import type { GroupView, InvitationView, MessagePreview, VerifiedIdentityView } from '../../../shared/domain/views.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { StoreReader } from '../store/store.js';
import type { GroupRow } from '../store/tables/groups-table.js';
import type { InvitationRow } from '../store/tables/invitations-table.js';
import type { MemberIdentityRow } from '../store/tables/member-identities-table.js';
import { invitationRowView } from './invitation-views.js';
import { memberNameIn } from './member-names.js';

/** Whether we verified a member's safety number, and whether their keys changed since (issue 11). */
function verificationOf(read: StoreReader, userId: Uint8Array): { contactVerified: boolean; keyChanged: boolean } {
  const person = read.people.get(userId);
  return { contactVerified: (person?.verifiedKeys ?? null) !== null, keyChanged: (person?.keyChangedAt ?? null) !== null };
}

/** get_all_my_groups' GroupOutput, grown into what a desktop group list needs. */
export function groupView(ctx: EngineContext, row: GroupRow): GroupView {
  return groupViewOf(ctx.store.read, ctx.self().userId, row);
}

/** The same view from the store alone (the CLI's read-only commands open no engine). */
export function groupViewOf(read: StoreReader, selfUserId: Uint8Array, row: GroupRow): GroupView {
  const identities = new Map(read.memberIdentities.forGroup(row.groupId).map((i) => [toBase64Url(i.userId), i]));
  const members = read.groups.members(row.groupId).map((m) => ({
    ...verificationOf(read, m.userId),
    userId: toBase64Url(m.userId),
    displayName: m.displayName,
    slimName: m.slimName,
    role: m.role,
    status: m.status,
    isSelf: bytesEqual(m.userId, selfUserId),
    verifiedIdentity: verifiedIdentityOf(identities.get(toBase64Url(m.userId))),
  }));
  let lastMessage: MessagePreview | null = null;
  if (row.lastMessageId !== null) {
    const m = read.messages.get(row.lastMessageId);
    if (m !== undefined) {
      lastMessage = {
        id: toBase64Url(m.id),
        sender: toBase64Url(m.sender),
        senderName: memberNameIn(read, m.groupId, m.sender) ?? '',
        sentAt: m.sentAt,
        kind: m.kind,
        text: m.kind === 'text' ? m.body.slice(0, 200) : (m.fileName ?? ''),
      };
    }
  }
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
    avatar: row.avatar === null || row.avatarMime === null ? null : { mime: row.avatarMime, base64: Buffer.from(row.avatar).toString('base64') },
    muted: row.muted === 1,
    unreadCount: row.unreadCount,
    lastActivityAt: row.lastActivityAt,
    lastMessage,
    direct: row.direct === 1,
    retryPolicy: retryPolicyOf(read, row.groupId),
  };
}

function verifiedIdentityOf(row: MemberIdentityRow | undefined): VerifiedIdentityView | null {
  return row === undefined ? null : { issuer: row.issuer, subject: row.subject };
}

const soon = new WeakMap<EngineContext, Map<string, Uint8Array>>();

/**
 * A group's view changed because of a message (last message, unread count): tell the host once per
 * tick, not once per message, so a burst of thousands of messages costs a handful of group views.
 */
export function emitGroupSoon(ctx: EngineContext, groupId: Uint8Array): void {
  let pending = soon.get(ctx);
  if (pending === undefined) {
    pending = new Map();
    soon.set(ctx, pending);
  }
  if (pending.size === 0) {
    setImmediate(() => {
      const ids = [...(pending?.values() ?? [])];
      pending?.clear();
      for (const id of ids) {
        try {
          emitGroup(ctx, id);
        } catch {
          // the engine closed meanwhile
        }
      }
    });
  }
  pending.set(toBase64Url(groupId), groupId);
}

export function emitGroup(ctx: EngineContext, groupId: Uint8Array): void {
  const row = ctx.store.read.groups.get(groupId);
  if (row !== undefined) ctx.events.emit('group', groupView(ctx, row));
}

export function invitationView(ctx: EngineContext, inv: InvitationRow): InvitationView {
  return invitationRowView(ctx, inv);
}

/** The group's stored retry policy (null fields follow the session layer's values); see group-retry-policy.ts. */
function retryPolicyOf(read: StoreReader, groupId: Uint8Array): GroupView['retryPolicy'] {
  const row = read.retryPolicies.get(groupId);
  return { maxRetries: row?.maxRetries ?? null, timeoutMs: row?.timeoutMs ?? null };
}
