import { bytesEqual } from '../../encoding/base64url.js';
import { prepareVersion } from '../../groups/group-admin.js';
import { latestVersion } from '../../groups/group-state.js';
import { emitGroup } from '../../groups/group-views.js';
import { checkSenderAtEpoch } from '../membership-check.js';
import { done, drop, type Handler } from '../verdict.js';

/**
 * LEAVE (SLIM's LEAVE_REQUEST): a member says goodbye on the channel. Everyone records it; the
 * admin turns it into a MEMBER_LEFT version with new keys, so the leaver reads nothing after.
 */
export const handleLeave: Handler = async (ctx, v) => {
  const e = v.envelope;
  const group = ctx.store.read.groups.get(e.groupId);
  if (group === undefined) return drop('unknown-group');
  if (bytesEqual(e.sender, group.creator)) return drop('admin-cannot-leave');
  const bad = checkSenderAtEpoch(ctx, group, e);
  if (bad !== undefined) return bad;
  const current = latestVersion(ctx, e.groupId).version;
  const listed = current.members.some((m) => bytesEqual(m.userId, e.sender));
  if (!listed || !bytesEqual(group.creator, ctx.self().userId) || group.myState === 'closed') {
    return done(undefined, () => emitGroup(ctx, e.groupId));
  }
  const prepared = await prepareVersion(ctx, e.groupId, {
    kind: 'MEMBER_LEFT',
    members: current.members.filter((m) => !bytesEqual(m.userId, e.sender)),
    affected: [e.sender],
    mlsRemove: [e.sender],
    // The leaver's signed LEAVE names where its envelopes end: it speaks only for itself.
    ownCutoffs: [{ sender: e.sender, seq: e.seq }],
  });
  return done(prepared.write, prepared.after);
};
