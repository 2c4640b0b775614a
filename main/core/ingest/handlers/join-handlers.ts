import { bytesEqual } from '../../encoding/base64url.js';
import { prepareVersion } from '../../groups/group-admin.js';
import { latestVersion } from '../../groups/group-state.js';
import { prepareJoin } from '../../groups/mls-admin-commit.js';
import { decodeWire } from '../../wire/wire-codec.js';
import { declineSchema, joinSchema } from '../../wire/wire-schemas.js';
import { done, drop, type Handler } from '../verdict.js';

/**
 * The admin's side of an invitation's answer. JOIN (SLIM's JOIN_REPLY) from someone the current
 * version lists: MLS add commit + welcome, or just a welcome. DECLINE: a MEMBER_DECLINED version
 * (and, sealed, a new secret: the decliner had been sealed the old one).
 */
export const handleJoin: Handler = async (ctx, v) => {
  const e = v.envelope;
  const group = ctx.store.read.groups.get(e.groupId);
  if (group === undefined) return drop('unknown-group');
  if (!bytesEqual(group.creator, ctx.self().userId)) return drop('not-admin-recipient');
  if (group.myState === 'closed') return drop('group-closed');
  const join = decodeWire('Join', joinSchema, e.body);
  const member = latestVersion(ctx, e.groupId).version.members.find((m) => bytesEqual(m.userId, e.sender));
  if (member === undefined) return drop('join-not-member');
  if (group.mode === 'mls' && join.keyPackage.byteLength === 0) return drop('join-without-key-package');
  const prepared = await prepareJoin(ctx, e.groupId, member, join.keyPackage);
  return prepared === undefined ? done() : done(prepared.write, prepared.after);
};

export const handleDecline: Handler = async (ctx, v) => {
  const e = v.envelope;
  const group = ctx.store.read.groups.get(e.groupId);
  if (group === undefined) return drop('unknown-group');
  if (!bytesEqual(group.creator, ctx.self().userId)) return drop('not-admin-recipient');
  decodeWire('Decline', declineSchema, e.body);
  const current = latestVersion(ctx, e.groupId).version;
  if (group.myState === 'closed' || !current.members.some((m) => bytesEqual(m.userId, e.sender))) return done();
  if (ctx.store.read.groups.member(e.groupId, e.sender)?.status === 'joined') return drop('decline-after-join');
  const prepared = await prepareVersion(ctx, e.groupId, {
    kind: 'MEMBER_DECLINED',
    members: current.members.filter((m) => !bytesEqual(m.userId, e.sender)),
    affected: [e.sender],
    mlsRemove: [e.sender],
  });
  return done(prepared.write, prepared.after);
};
