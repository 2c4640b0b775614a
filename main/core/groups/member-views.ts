import type { GroupMemberView, VerifiedIdentityView } from '../../../shared/domain/views.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { StoreReader } from '../store/store.js';
import type { GroupMemberRow } from '../store/tables/groups-table.js';
import type { MemberIdentityRow } from '../store/tables/member-identities-table.js';

/*
 * A group's members as its view shows them. Every message sent or received moves its group's last activity, and
 * the group's view goes out again with all of its members: at 1,000 members building them took ~5–7 ms each time
 * (a people lookup and two encodings per member), on the engine's thread. They are built once per member list
 * and reused while nothing they show changed. What they show comes from three places, each of which says when it
 * changed: the member list (the groups table's cache hands back the same list until a write to the group's
 * members or records, or a rollback, drops it), people (verification) and member identities (their generations
 * move on with every write and rollback). Kept in a WeakMap on the list: a list dropped from the cache takes its
 * views with it. Its own files (no crypto), like group-view-of.ts, for the CLI's read-only commands.
 */

interface Built {
  people: number;
  identities: number;
  self: string;
  views: readonly GroupMemberView[];
}

const built = new WeakMap<readonly GroupMemberRow[], Built>();

function verifiedIdentityOf(row: MemberIdentityRow | undefined): VerifiedIdentityView | null {
  return row === undefined ? null : { issuer: row.issuer, subject: row.subject };
}

/** The group's member views (a fresh array each call; the views in it are shared and frozen). */
export function memberViews(read: StoreReader, selfUserId: Uint8Array, groupId: Uint8Array): GroupMemberView[] {
  const rows = read.groups.members(groupId);
  const people = read.people.generation();
  const identities = read.memberIdentities.generation();
  const self = toBase64Url(selfUserId);
  const before = built.get(rows);
  if (before !== undefined && before.people === people && before.identities === identities && before.self === self) return [...before.views];
  const tokens = new Map(read.memberIdentities.forGroup(groupId).map((i) => [toBase64Url(i.userId), i]));
  const views = rows.map((m): GroupMemberView => {
    const userId = toBase64Url(m.userId);
    const person = read.people.get(m.userId);
    return Object.freeze({
      // Whether we verified the member's safety number, and whether their keys changed since (issue 11).
      contactVerified: (person?.verifiedKeys ?? null) !== null,
      keyChanged: (person?.keyChangedAt ?? null) !== null,
      userId,
      displayName: m.displayName,
      slimName: m.slimName,
      role: m.role,
      status: m.status,
      isSelf: bytesEqual(m.userId, selfUserId),
      verifiedIdentity: verifiedIdentityOf(tokens.get(userId)),
    });
  });
  built.set(rows, { people, identities, self, views });
  return [...views];
}
