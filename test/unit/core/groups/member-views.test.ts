import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { groupViewOf } from '../../../../main/core/groups/group-view-of.js';
import type { Store } from '../../../../main/core/store/store.js';
import type { GroupRow } from '../../../../main/core/store/tables/groups-table.js';
import { storeEachTest } from '../../../helpers/temp-store.js';

/**
 * A group's view reuses its member views and avatar text between messages (member-views.ts, avatar-text.ts): each
 * of the things they show, changed, is shown in the next view, also after a rollback of the change.
 */
describe('group views reuse what did not change', () => {
  const openTempStore = storeEachTest('kizuna-member-views-');

  const self = new Uint8Array(randomBytes(32));
  const other = new Uint8Array(randomBytes(32));

  function groupStore(avatar: Uint8Array | null = null): { s: Store; g: Uint8Array; view: () => ReturnType<typeof groupViewOf> } {
    const s = openTempStore();
    const g = new Uint8Array(randomBytes(32));
    const row: GroupRow = {
      groupId: g, mode: 'mls', creator: self, createdAt: 1, name: 'g', avatar, avatarMime: avatar === null ? null : 'image/png',
      latestVersion: 1, epoch: 1, myState: 'joined', joinedEpoch: 1, muted: 0, lastActivityAt: 1, lastMessageId: null, unreadCount: 0, lastReadAt: 0, direct: 0,
    };
    s.transaction(() => {
      s.write.groups.insert(row);
      const members = [self, other].map((userId, i) => ({ userId, boxPublic: new Uint8Array(32), displayName: `m${i}`, slimName: `org/ns/m${i}` }));
      s.write.groups.recordMembers(g, members, 1);
      s.write.groups.replaceMembers(g, members.map((m) => ({ userId: m.userId, role: 'member' as const, status: 'joined' as const, sinceVersion: 1 })));
    });
    return { s, g, view: () => groupViewOf(s.read, self, s.read.groups.get(g) as GroupRow) };
  }

  const theOther = (v: ReturnType<typeof groupViewOf>) => v.members.find((m) => !m.isSelf);

  it('hands out the same frozen member views while nothing changed, in a fresh array each time', () => {
    const { s, g, view } = groupStore();
    const first = view();
    // A message moved the group's last activity (its row is written again): the members did not change.
    s.transaction(() => s.write.groups.noteActivity(g, 2, null, 1));
    const second = view();
    expect(second.members).not.toBe(first.members);
    expect(second.members).toEqual(first.members);
    expect(second.members[0]).toBe(first.members[0]);
    expect(() => {
      (second.members[0] as { displayName: string }).displayName = 'changed';
    }).toThrow(TypeError);
  });

  it('shows a verification, a key change, a new name and an identity token in the next view', () => {
    const { s, g, view } = groupStore();
    expect(theOther(view())).toMatchObject({ contactVerified: false, keyChanged: false, displayName: 'm1', verifiedIdentity: null });
    s.transaction(() => s.write.people.upsert({ userId: other, boxPublic: new Uint8Array(32), displayName: 'contact', slimName: 'org/ns/m1' }, 1));
    s.transaction(() => s.write.people.setVerified(other, new Uint8Array(32).fill(1), 2));
    expect(theOther(view())).toMatchObject({ contactVerified: true, keyChanged: false });
    s.transaction(() => s.write.people.markKeyChanged(other, 3));
    expect(theOther(view())).toMatchObject({ contactVerified: false, keyChanged: true });
    s.transaction(() => s.write.groups.recordMembers(g, [{ userId: other, boxPublic: new Uint8Array(32), displayName: 'renamed', slimName: 'org/ns/m1' }], 2));
    expect(theOther(view())).toMatchObject({ displayName: 'renamed' });
    s.transaction(() =>
      s.write.memberIdentities.put({ groupId: g, userId: other, kind: 'jwt', issuer: 'https://idp', subject: 'bob', expiresAt: null, verifiedAt: 4, token: 't' }),
    );
    expect(theOther(view())).toMatchObject({ verifiedIdentity: { issuer: 'https://idp', subject: 'bob' } });
  });

  it('does not keep what a rolled-back transaction showed', () => {
    const { s, g, view } = groupStore();
    s.transaction(() => s.write.people.upsert({ userId: other, boxPublic: new Uint8Array(32), displayName: 'contact', slimName: 'org/ns/m1' }, 1));
    view();
    expect(() =>
      s.transaction(() => {
        s.write.people.setVerified(other, new Uint8Array(32).fill(1), 2);
        s.write.memberIdentities.put({ groupId: g, userId: other, kind: 'jwt', issuer: 'https://idp', subject: 'bob', expiresAt: null, verifiedAt: 4, token: 't' });
        // Built inside the transaction: it shows both writes.
        expect(theOther(view())).toMatchObject({ contactVerified: true, verifiedIdentity: { subject: 'bob' } });
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(theOther(view())).toMatchObject({ contactVerified: false, verifiedIdentity: null });
  });

  it('encodes an avatar again when its bytes change, not when the row is only read again', () => {
    const first = new Uint8Array(randomBytes(64 * 1024));
    const { s, g, view } = groupStore(first);
    expect(view().avatar).toEqual({ mime: 'image/png', base64: Buffer.from(first).toString('base64') });
    const next = new Uint8Array(randomBytes(64 * 1024));
    s.transaction(() => s.write.groups.updateState(g, { name: 'g', avatar: next, avatarMime: 'image/png', latestVersion: 2, epoch: 1 }));
    expect(view().avatar).toEqual({ mime: 'image/png', base64: Buffer.from(next).toString('base64') });
    s.transaction(() => s.write.groups.updateState(g, { name: 'g', avatar: null, avatarMime: null, latestVersion: 3, epoch: 1 }));
    expect(view().avatar).toBeNull();
  });
});
