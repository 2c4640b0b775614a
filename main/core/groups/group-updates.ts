import type { GroupView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { parseUserId } from '../identity/contacts-service.js';
import { issueVersion, requireAdmin } from './group-admin.js';
import { latestVersion } from './group-state.js';
import { validateGroupName } from './group-validation.js';
import { groupView } from './group-views.js';
import { resolveNewMembers } from './member-resolution.js';

/** add_members, remove_members, update_group_name, avatar, delete and key rotation (admin only). */
function view(ctx: EngineContext, groupId: Uint8Array): GroupView {
  const row = ctx.store.read.groups.get(groupId);
  if (row === undefined) throw new KizunaError('GROUP_NOT_FOUND');
  return groupView(ctx, row);
}

export async function addMembers(ctx: EngineContext, groupId: Uint8Array, userIds: string[]): Promise<GroupView> {
  requireAdmin(ctx, groupId);
  if (latestVersion(ctx, groupId).version.direct) throw new KizunaError('GROUP_DIRECT_MEMBERS_FIXED');
  if (userIds.length === 0) throw new KizunaError('GROUP_MEMBERS_EMPTY');
  const added = resolveNewMembers(ctx, userIds);
  const current = latestVersion(ctx, groupId).version;
  for (const m of added) {
    if (current.members.some((x) => bytesEqual(x.userId, m.userId))) throw new KizunaError('GROUP_ALREADY_MEMBER');
  }
  await issueVersion(ctx, groupId, { kind: 'ADD_MEMBERS', members: [...current.members, ...added], affected: added.map((m) => m.userId) });
  return view(ctx, groupId);
}

export async function removeMembers(ctx: EngineContext, groupId: Uint8Array, userIds: string[]): Promise<GroupView> {
  requireAdmin(ctx, groupId);
  if (latestVersion(ctx, groupId).version.direct) throw new KizunaError('GROUP_DIRECT_MEMBERS_FIXED');
  if (userIds.length === 0) throw new KizunaError('GROUP_MEMBERS_EMPTY');
  const ids = userIds.map(parseUserId);
  const current = latestVersion(ctx, groupId).version;
  for (const id of ids) {
    if (!current.members.some((m) => bytesEqual(m.userId, id))) throw new KizunaError('GROUP_NOT_MEMBER');
  }
  const remaining = current.members.filter((m) => !ids.some((id) => bytesEqual(id, m.userId)));
  // Seed 003's update rule, said as what it refuses: the admin never shrinks a group below the
  // minimum. A member's own leave or decline is never refused (nobody can be held in a conversation).
  if (remaining.length < 2) throw new KizunaError('GROUP_REMOVE_BELOW_MINIMUM', undefined, { min: 2, left: remaining.length });
  await issueVersion(ctx, groupId, { kind: 'REMOVE_MEMBERS', members: remaining, affected: ids, mlsRemove: ids });
  return view(ctx, groupId);
}

export async function renameGroup(ctx: EngineContext, groupId: Uint8Array, newName: string): Promise<GroupView> {
  requireAdmin(ctx, groupId);
  const name = validateGroupName(newName);
  if (latestVersion(ctx, groupId).version.name === name) throw new KizunaError('GROUP_NAME_UNCHANGED');
  await issueVersion(ctx, groupId, { kind: 'RENAME', name });
  return view(ctx, groupId);
}

const AVATAR_MAX_BYTES = 256 * 1024;
const AVATAR_MIMES = new Set(['image/png', 'image/jpeg', 'image/webp']);

/** Sets (or with empty bytes, clears) the group picture. The bytes' magic number must match the type. */
export async function setGroupAvatar(ctx: EngineContext, groupId: Uint8Array, avatar: Uint8Array, mime: string): Promise<GroupView> {
  requireAdmin(ctx, groupId);
  if (avatar.byteLength > 0 && (!AVATAR_MIMES.has(mime) || avatar.byteLength > AVATAR_MAX_BYTES || !magicMatches(avatar, mime))) {
    throw new KizunaError('GROUP_AVATAR_INVALID');
  }
  await issueVersion(ctx, groupId, { kind: 'SET_AVATAR', avatar, avatarMime: avatar.byteLength > 0 ? mime : '' });
  return view(ctx, groupId);
}

function magicMatches(b: Uint8Array, mime: string): boolean {
  const starts = (...sig: number[]): boolean => sig.every((x, i) => b[i] === x);
  if (mime === 'image/png') return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  if (mime === 'image/jpeg') return starts(0xff, 0xd8, 0xff);
  return starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50;
}

/** Delete (admin): the group is closed for everyone; history stays readable, nothing more is accepted. */
export async function deleteGroup(ctx: EngineContext, groupId: Uint8Array): Promise<GroupView> {
  await issueVersion(ctx, groupId, { kind: 'CLOSE' });
  return view(ctx, groupId);
}
