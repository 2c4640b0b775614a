import type { EncryptionMode, GroupView, InvitationView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { GroupRow } from '../store/tables/groups-table.js';
import type { InvitationRow } from '../store/tables/invitations-table.js';
import type { GroupVersion } from '../wire/wire-schemas.js';
import { storedProposal, type InvitationProposal } from './invitation-record.js';

/**
 * What a pending invitation shows, read from the invitation record alone (issue 8, class 1): the
 * proposal's own signed version, never written into the group, member or people tables. Names are
 * the inviter's claims; a person we already know is shown under the name we hold.
 */
export function modeOf(v: GroupVersion): EncryptionMode {
  return v.mode === 'MLS' ? 'mls' : v.mode === 'SEALED' ? 'sealed' : 'none';
}

function knownName(ctx: EngineContext, userId: Uint8Array, claimed: string): string {
  return ctx.store.read.people.get(userId)?.displayName ?? claimed;
}

export function proposalInvitationView(ctx: EngineContext, row: InvitationRow, p: InvitationProposal): InvitationView {
  const v = p.latest.version;
  return {
    groupId: toBase64Url(row.groupId),
    groupName: v.name,
    mode: modeOf(v),
    inviter: toBase64Url(row.inviter),
    inviterName: knownName(ctx, row.inviter, v.creator.displayName),
    memberCount: 1 + v.members.length,
    receivedAt: row.receivedAt,
  };
}

/** The invitation's view; an answered one (its bytes forgotten) keeps only what the record holds. */
export function invitationRowView(ctx: EngineContext, row: InvitationRow): InvitationView {
  if (row.inviteBytes.byteLength > 0) return proposalInvitationView(ctx, row, storedProposal(row));
  const group = ctx.store.read.groups.get(row.groupId);
  return {
    groupId: toBase64Url(row.groupId),
    groupName: group?.name ?? '',
    mode: group?.mode ?? 'mls',
    inviter: toBase64Url(row.inviter),
    inviterName: ctx.store.read.people.get(row.inviter)?.displayName ?? '',
    memberCount: group === undefined ? 0 : ctx.store.read.groups.members(row.groupId).length,
    receivedAt: row.receivedAt,
  };
}

/** A pending invitation as a group (state `invited`) for hosts that ask for the group by id. */
export function proposalGroupView(ctx: EngineContext, row: InvitationRow): GroupView {
  const p = storedProposal(row);
  const v = p.latest.version;
  const self = ctx.self().userId;
  const member = (m: GroupVersion['creator'], role: 'admin' | 'member') => ({
    userId: toBase64Url(m.userId),
    displayName: m.displayName,
    slimName: m.slimName,
    role,
    status: role === 'admin' ? ('joined' as const) : ('invited' as const),
    isSelf: bytesEqual(m.userId, self),
    verifiedIdentity: null,
  });
  return {
    groupId: toBase64Url(row.groupId),
    name: v.name,
    mode: modeOf(v),
    creator: toBase64Url(v.creator.userId),
    createdAt: v.createdAt,
    // Nothing is stored for a group we have not accepted: the layer's values apply.
    retryPolicy: { maxRetries: null, timeoutMs: null },
    isAdmin: false,
    myState: 'invited',
    members: [member(v.creator, 'admin'), ...v.members.map((m) => member(m, 'member'))],
    version: v.version,
    epoch: v.mode === 'MLS' ? 0 : v.epoch,
    avatar: v.avatar.byteLength > 0 ? { mime: v.avatarMime, base64: Buffer.from(v.avatar).toString('base64') } : null,
    muted: false,
    unreadCount: 0,
    lastActivityAt: v.updatedAt,
    lastMessage: null,
    direct: v.direct,
    mergedInto: null,
  };
}

/** A group's view, or a pending invitation's as a group we are `invited` to (not in the group tables). */
export function groupOrInvitationView(ctx: EngineContext, groupId: Uint8Array, groupView: (row: GroupRow) => GroupView): GroupView {
  const row = ctx.store.read.groups.get(groupId);
  if (row !== undefined) return groupView(row);
  const inv = ctx.store.read.invitations.get(groupId);
  if (inv?.state === 'pending') return proposalGroupView(ctx, inv);
  throw new KizunaError('GROUP_NOT_FOUND', undefined, { groupId: toBase64Url(groupId) });
}
