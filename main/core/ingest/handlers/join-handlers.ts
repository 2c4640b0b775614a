import { isKizunaError } from '../../../../shared/errors/kizuna-error.js';
import { bytesEqual } from '../../encoding/base64url.js';
import { prepareVersion } from '../../groups/group-admin.js';
import { latestVersion } from '../../groups/group-state.js';
import { carrySoon } from '../../messages/message-carries.js';
import { prepareJoin } from '../../groups/mls-admin-commit.js';
import { recordMemberIdentity, tokenRefusalReason, verifyJoinToken } from '../../identity/member-identity-tokens.js';
import type { VerifiedIdentity } from '../../identity/tokens/token-types.js';
import { decodeWire } from '../../wire/wire-codec.js';
import { declineSchema, joinSchema } from '../../wire/wire-schemas.js';
import { done, drop, type Handler } from '../verdict.js';

/**
 * The admin's side of an invitation's answer. JOIN (SLIM's JOIN_REPLY) from someone the current
 * version lists: MLS add commit + welcome, or just a welcome. DECLINE: a MEMBER_DECLINED version
 * (and, sealed, a new secret: the decliner had been sealed the old one).
 * With a token verifier configured, a JOIN whose identity token is refused is dropped (reason: the
 * token error, e.g. `token-wrong-audience`) and nobody is admitted; an accepted token is recorded and
 * announced to the group (issue 5).
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
  let identity: VerifiedIdentity | undefined;
  try {
    identity = await verifyJoinToken(ctx, join.identityToken, e.sender);
  } catch (err) {
    if (isKizunaError(err)) return drop(tokenRefusalReason(err));
    throw err;
  }
  const announced = identity === undefined ? [] : [{ userId: e.sender, token: join.identityToken, verifiedAt: ctx.now() }];
  const prepared = await prepareJoin(ctx, e.groupId, member, join.keyPackage, announced);
  if (prepared === undefined) return done();
  const resend = group.direct === 1 && group.mode === 'mls';
  const write = (): void => {
    // Recorded first, so that the welcome carries the newcomer's own token along with the others'.
    if (identity !== undefined && announced[0] !== undefined) recordMemberIdentity(ctx, e.groupId, announced[0], identity);
    prepared.write();
    // An MLS direct chat: what we wrote before they joined is sent again for them (they cannot read
    // the epochs before their join). Sealed and unencrypted ones catch up from the start instead.
    if (resend) ctx.store.write.directMerges.queueCarries(e.groupId, ctx.self().userId, e.groupId, false);
  };
  const after = (): void => {
    prepared.after();
    if (resend) carrySoon(ctx, e.groupId);
  };
  return done(write, after);
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
