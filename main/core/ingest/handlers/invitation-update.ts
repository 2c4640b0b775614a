import { bytesEqual } from '../../encoding/base64url.js';
import type { EngineContext } from '../../kernel/engine-context.js';
import { validateNextVersion } from '../../groups/group-validation.js';
import { proposesMembership, storedProposal } from '../../groups/invitation-record.js';
import { proposalInvitationView } from '../../groups/invitation-views.js';
import { verifySignedGroupVersion } from '../../groups/signed-group-version.js';
import type { VerifiedEnvelope } from '../../envelopes/envelope-reader.js';
import { decodeWire } from '../../wire/wire-codec.js';
import { groupUpdateSchema } from '../../wire/wire-schemas.js';
import { defer, done, drop, type Verdict } from '../verdict.js';

/** The admin's updates we hold for one unanswered invitation, at most (they apply on accept). */
export const MAX_HELD_INVITATION_UPDATES = 32;

/**
 * GROUP_UPDATE for a group we are only invited to (issue 8, class 1): nothing is applied before the
 * user accepts. A next version that removes us or closes the group makes the invitation stale; any
 * other update from the inviter waits in the inbox (bounded) and applies once we accept. Anyone
 * else's update for a group we do not hold is refused as before.
 */
export function handleInvitationUpdate(ctx: EngineContext, v: VerifiedEnvelope): Verdict {
  const e = v.envelope;
  const inv = ctx.store.read.invitations.get(e.groupId);
  if (inv === undefined || inv.state !== 'pending') return drop('unknown-group');
  if (!bytesEqual(inv.inviter, e.sender)) return drop('not-admin');
  const update = decodeWire('GroupUpdate', groupUpdateSchema, e.body);
  // MLS commits before our welcome mean nothing to us (the welcome brings the state).
  if (update.version === undefined && update.memberTokens.length === 0) return done();
  const proposal = storedProposal(inv);
  const current = proposal.latest;
  if (update.version !== undefined) {
    const candidate = verifySignedGroupVersion(update.version);
    if (candidate.version.version <= current.version.version) {
      const held = proposal.chain[candidate.version.version];
      return held !== undefined && bytesEqual(held.hash, candidate.hash) ? done() : drop('version-conflict');
    }
    if (candidate.version.version === current.version.version + 1) {
      validateNextVersion(current.version, current.hash, e.groupId, candidate.version, candidate.signer);
      if (!proposesMembership({ ...proposal, latest: candidate }, ctx.self().userId)) {
        return done(
          () => {
            ctx.store.write.invitations.setState(e.groupId, 'stale');
            ctx.store.write.invitations.forgetBytes(e.groupId);
          },
          () => ctx.events.emit('invitation', { ...proposalInvitationView(ctx, inv, proposal), state: 'stale' }),
        );
      }
    }
  }
  if (ctx.store.read.queue.deferredFor(e.groupId).length >= MAX_HELD_INVITATION_UPDATES) return drop('invite-updates-cap');
  return defer('invitation-pending');
}
