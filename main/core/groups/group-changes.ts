import type { GroupChangeKind, GroupChangePerson, GroupChangeView } from '../../../shared/domain/group-change.js';
import { toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { GroupVersionRow } from '../store/tables/groups-table.js';
import type { VersionKind } from '../wire/wire-schemas.js';
import { decodeSignedGroupVersion } from './signed-group-version.js';
import { memberName } from './member-names.js';

const KIND: Record<VersionKind, GroupChangeKind> = {
  CREATE: 'created',
  ADD_MEMBERS: 'added',
  REMOVE_MEMBERS: 'removed',
  MEMBER_LEFT: 'left',
  MEMBER_DECLINED: 'declined',
  RENAME: 'renamed',
  SET_AVATAR: 'picture',
  ROTATE_KEYS: 'keys-renewed',
  CLOSE: 'deleted',
};

function person(ctx: EngineContext, groupId: Uint8Array, userId: Uint8Array, fallback: string): GroupChangePerson {
  return { userId: toBase64Url(userId), displayName: memberName(ctx, groupId, userId) ?? fallback };
}

/** One stored (already verified and chained) version as a timeline line. */
export function groupChangeOf(ctx: EngineContext, row: GroupVersionRow): GroupChangeView {
  const v = decodeSignedGroupVersion(row.signedBytes).version;
  const names = new Map([v.creator, ...v.members].map((m) => [toBase64Url(m.userId), m.displayName]));
  return {
    groupId: toBase64Url(row.groupId),
    version: row.version,
    kind: KIND[v.kind],
    by: person(ctx, row.groupId, row.author, names.get(toBase64Url(row.author)) ?? ''),
    people: v.affected.map((id) => person(ctx, row.groupId, id, names.get(toBase64Url(id)) ?? '')),
    name: v.name,
    at: v.updatedAt,
  };
}

/** Every change of a group, oldest first: the timeline's lines for history. */
export function groupChanges(ctx: EngineContext, groupId: Uint8Array): GroupChangeView[] {
  return ctx.store.read.groups.versions(groupId).map((row) => groupChangeOf(ctx, row));
}

/**
 * Tells listeners about a version once the transaction that stored it is over: read back from the
 * store on the next turn, so a rolled-back version is never announced.
 */
export function announceGroupChange(ctx: EngineContext, groupId: Uint8Array, version: number): void {
  setImmediate(() => {
    try {
      const row = ctx.store.read.groups.version(groupId, version);
      if (row !== undefined) ctx.events.emit('group-change', groupChangeOf(ctx, row));
    } catch {
      // the engine closed meanwhile
    }
  });
}
