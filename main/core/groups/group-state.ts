import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { EncryptionMode } from '../../../shared/domain/views.js';
import { toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { GroupRow, MyGroupState } from '../store/tables/groups-table.js';
import type { GroupVersion, WireMember } from '../wire/wire-schemas.js';
import { noteSeenKeys } from '../identity/contact-verification.js';
import { announceGroupChange } from './group-changes.js';
import { changesEpoch } from './group-validation.js';
import { decodeSignedGroupVersion, type VerifiedGroupVersion } from './signed-group-version.js';
import { noteUndeliverable } from './undeliverable.js';
import { retractPastCutoffs } from './cutoff-retraction.js';

function modeOf(v: GroupVersion): EncryptionMode {
  return v.mode === 'MLS' ? 'mls' : v.mode === 'SEALED' ? 'sealed' : 'none';
}

export function wireMode(mode: EncryptionMode): GroupVersion['mode'] {
  return mode === 'mls' ? 'MLS' : mode === 'sealed' ? 'SEALED' : 'NONE';
}

export function requireGroup(ctx: EngineContext, groupId: Uint8Array): GroupRow {
  const g = ctx.store.read.groups.get(groupId);
  if (g === undefined) throw new KizunaError('GROUP_NOT_FOUND', undefined, { groupId: toBase64Url(groupId) });
  return g;
}

/** The latest stored version of a group, decoded and verified again from its signed bytes. */
export function latestVersion(ctx: EngineContext, groupId: Uint8Array): VerifiedGroupVersion {
  const g = requireGroup(ctx, groupId);
  const row = ctx.store.read.groups.version(groupId, g.latestVersion);
  if (row === undefined) throw new KizunaError('STORE_CORRUPT', 'A group has no stored version.');
  return decodeSignedGroupVersion(row.signedBytes);
}

export function versionChain(ctx: EngineContext, groupId: Uint8Array): Uint8Array[] {
  return ctx.store.read.groups.versions(groupId).map((r) => r.signedBytes);
}

/** Everyone in a version, the creator first. */
export function everyone(v: GroupVersion): WireMember[] {
  return [v.creator, ...v.members];
}

/**
 * Records a validated version: the version row, what we learn about its members, the group row,
 * the member list and (sealed / none) the new epoch's roster. Call inside a transaction.
 */
export function applyVersion(ctx: EngineContext, groupId: Uint8Array, verified: VerifiedGroupVersion, myStateIfNew: MyGroupState): GroupRow {
  const v = verified.version;
  const store = ctx.store;
  store.write.groups.insertVersion({
    groupId,
    version: v.version,
    kind: v.kind,
    signedBytes: verified.signedBytes,
    hash: verified.hash,
    name: v.name,
    epoch: v.epoch,
    author: verified.signer,
    createdAt: v.updatedAt,
  });
  announceGroupChange(ctx, groupId, v.version);
  // What the admin signs about its members holds inside this group only (issue 8, class 1): a
  // per-group member record, never the shared people table (contact cards and verified identity).
  store.write.groups.recordMembers(groupId, everyone(v).map((m) => ({ userId: m.userId, boxPublic: m.boxKey, displayName: m.displayName, slimName: m.slimName })), v.version);
  const mode = modeOf(v);
  const existing = store.read.groups.get(groupId);
  const epoch = mode === 'mls' ? (existing?.epoch ?? 0) : v.epoch;
  const avatar = v.avatar.byteLength > 0 ? v.avatar : null;
  const avatarMime = v.avatar.byteLength > 0 ? v.avatarMime : null;
  if (existing === undefined) {
    store.write.groups.insert({
      groupId,
      mode,
      creator: v.creator.userId,
      createdAt: v.createdAt,
      name: v.name,
      avatar,
      avatarMime,
      latestVersion: v.version,
      epoch,
      myState: myStateIfNew,
      joinedEpoch: null,
      muted: 0,
      lastActivityAt: v.updatedAt,
      lastMessageId: null,
      unreadCount: 0,
      lastReadAt: 0,
      direct: v.direct ? 1 : 0,
    });
  } else {
    store.write.groups.updateState(groupId, { name: v.name, avatar, avatarMime, latestVersion: v.version, epoch });
    store.write.groups.noteActivity(groupId, v.updatedAt, null, 0);
  }
  const before = existing === undefined ? [] : store.read.groups.members(groupId).map((m) => m.userId);
  store.write.groups.replaceMembers(groupId, [
    { userId: v.creator.userId, role: 'admin', status: 'joined', sinceVersion: 0 },
    ...v.members.map((m) => ({ userId: m.userId, role: 'member' as const, status: 'invited' as const, sinceVersion: v.version })),
  ]);
  if (mode !== 'mls' && (v.kind === 'CREATE' || changesEpoch(v.kind))) {
    store.write.groups.insertEpoch(
      groupId,
      v.epoch,
      v.version,
      everyone(v).map((m) => m.userId),
      mode === 'sealed' ? v.secretCommitment : null,
      v.updatedAt,
    );
  }
  for (const c of v.cutoffs) store.write.groups.setCutoff(groupId, c.sender, c.seq);
  retractPastCutoffs(ctx, groupId, v.kind, v.cutoffs);
  if (before.length > 0) noteUndeliverable(ctx, groupId, before, everyone(v).map((m) => m.userId), v.cutoffs);
  if (v.kind === 'CLOSE') store.write.groups.setMyState(groupId, 'closed');
  const row = store.read.groups.get(groupId) as GroupRow;
  // A stranger's invitation we have not accepted may not unverify anyone; see noteRosterKeys.
  if (row.myState !== 'invited' && row.myState !== 'declined') noteRosterKeys(ctx, v);
  return row;
}

/**
 * A roster of a group we are in that shows a verified person with another box key (we would seal to
 * the admin's key for them there), or their SLIM name on another identity key, unverifies them and
 * warns (issue 11). Called per applied version, and by acceptInvitation for the version accepted.
 */
export function noteRosterKeys(ctx: EngineContext, v: GroupVersion): void {
  noteSeenKeys(ctx, everyone(v).map((m) => ({ userId: m.userId, boxKey: m.boxKey, slimName: m.slimName })));
}
