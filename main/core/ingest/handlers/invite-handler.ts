import { bytesEqual } from '../../encoding/base64url.js';
import { openOwnSecret } from '../../encryption/sealed-secrets.js';
import { reconcileSoon } from '../../groups/direct-chat-merge.js';
import { expireInvitations, invitationRefusal } from '../../groups/invitation-bounds.js';
import { proposalOf, proposesMembership } from '../../groups/invitation-record.js';
import { invitationView } from '../../groups/group-views.js';
import type { InvitationRow } from '../../store/tables/invitations-table.js';
import { done, drop, type Handler } from '../verdict.js';

/**
 * INVITE (SLIM's JOIN_REQUEST): the whole version chain, verified end to end, from the admin. It is
 * only a proposal until the user accepts (issue 8, class 1): we keep the envelope as received in a
 * bounded invitation record and write nothing else — no group, member, people or secret rows. The
 * answer (`groups/invitation-answer.ts`) verifies it again and applies it. Invitations from people
 * we blocked are refused (seed 003's open TODO).
 */
export const handleInvite: Handler = async (ctx, v) => {
  const e = v.envelope;
  const self = ctx.self();
  if (ctx.store.read.people.isBlocked(e.sender)) return drop('blocked-inviter');
  const proposal = proposalOf(e);
  const latest = proposal.latest.version;
  if (!proposesMembership(proposal, self.userId)) return drop('stale-invite');
  const existing = ctx.store.read.groups.get(e.groupId);
  if (existing !== undefined && (existing.myState === 'joined' || existing.myState === 'joining') && existing.latestVersion >= latest.version) {
    return done(); // a repeated invitation for a group we are already in
  }
  if (existing !== undefined && existing.latestVersion > latest.version) return drop('stale-invite');
  const held = ctx.store.read.invitations.get(e.groupId);
  if (held !== undefined && held.version >= latest.version && held.state !== 'stale') {
    // The same invitation again, or a replay of one we answered: nothing new.
    return held.state === 'pending' && held.version === latest.version ? done() : drop('stale-invite');
  }
  // Checked now so that an invitation we could never use is not shown; opened again on accept.
  if (latest.mode === 'SEALED' && openOwnSecret(self, proposal.secrets, latest.epoch) === undefined) return drop('invite-without-secret');
  const replacing = held !== undefined && held.state === 'pending' && bytesEqual(held.inviter, e.sender);
  // INVITE is not batched: it is decided on the committed state, so the bounds read here hold.
  expireInvitations(ctx);
  const refusal = replacing ? undefined : invitationRefusal(ctx, e.sender, e.sentAt, v.bytes.byteLength);
  if (refusal !== undefined) return drop(refusal);
  const row: InvitationRow = { groupId: e.groupId, inviter: e.sender, version: latest.version, inviteBytes: v.bytes, receivedAt: ctx.now(), state: 'pending' };
  return done(
    () => ctx.store.write.invitations.put(row),
    () => {
      ctx.events.emit('invitation', { ...invitationView(ctx, row), state: 'pending' });
      // A direct chat beside one of ours with the same person: the two converge (issue 11).
      if (latest.direct) reconcileSoon(ctx);
    },
  );
};
