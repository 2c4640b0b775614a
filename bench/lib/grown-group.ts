import { randomBytes } from 'node:crypto';
import type { Engine } from '../../main/core/engine/engine.js';

/**
 * Grows `engine`'s view of a group to `members` members, written as a group version records them: the new ones
 * joined since the group's latest version, none of them a contact (each view asks the store for their names, as
 * it does for strangers in a big group). Throws unless the group's view then lists exactly that many.
 */
export function growGroupTo(engine: Engine, groupIdText: string, members: number): void {
  const groupId = Buffer.from(groupIdText, 'base64url');
  const read = engine.store.read.groups;
  const joined = read.members(groupId).map((m) => ({ userId: m.userId, role: m.role, status: m.status, sinceVersion: m.sinceVersion }));
  const version = read.get(groupId)?.latestVersion ?? 1;
  const more = Array.from({ length: members - joined.length }, (_, i) => ({ userId: new Uint8Array(randomBytes(32)), i }));
  engine.store.transaction(() => {
    engine.store.write.groups.replaceMembers(groupId, [...joined, ...more.map((m) => ({ userId: m.userId, role: 'member' as const, status: 'joined' as const, sinceVersion: version }))]);
    engine.store.write.groups.recordMembers(groupId, more.map((m) => ({ userId: m.userId, boxPublic: new Uint8Array(randomBytes(32)), displayName: `Member ${m.i}`, slimName: `org/ns/member-${m.i}` })), version);
  });
  const listed = engine.getGroup(groupIdText).members.length;
  if (listed !== members) throw new Error(`expected ${members} members, the group lists ${listed}`);
}
