import type { GroupView, InvitationView } from '../../../shared/domain/views.js';
import { KizunaError, isKizunaError } from '../../../shared/errors/kizuna-error.js';
import * as mls from '../crypto/mls/index.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { announceOutbox, queueToUser } from '../kernel/outbox-writer.js';
import { buildEnvelope } from '../envelopes/envelope-builder.js';
import { presentJoinToken } from '../identity/member-identity-tokens.js';
import { encodeWire } from '../wire/wire-codec.js';
import { openOwnSecret, storeEpochSecret } from '../encryption/sealed-secrets.js';
import { applyVersion, latestVersion, noteRosterKeys, requireGroup } from './group-state.js';
import { expireInvitations } from './invitation-bounds.js';
import { storedProposal, type InvitationProposal } from './invitation-record.js';
import { proposalInvitationView } from './invitation-views.js';
import { emitGroup, groupView, invitationView } from './group-views.js';

/**
 * The invitee's answer. Invitations are never auto-accepted, and until answered they are only a
 * proposal held in the invitation record (issue 8, class 1). Accept verifies the record again,
 * applies its version chain (group, members, epoch, our sealed secret) and sends SLIM's JOIN_REPLY
 * (with a fresh MLS key package in mls mode) to the admin; decline forgets the proposal and tells
 * the admin, who records it.
 */
function pendingInvitation(ctx: EngineContext, groupId: Uint8Array) {
  const inv = ctx.store.read.invitations.get(groupId);
  if (inv === undefined || inv.state !== 'pending') throw new KizunaError('INVITATION_NOT_FOUND');
  const stale = (): never => {
    ctx.store.write.invitations.setState(groupId, 'stale');
    throw new KizunaError('INVITATION_STALE');
  };
  let proposal: InvitationProposal;
  try {
    proposal = storedProposal(inv);
  } catch (err) {
    if (isKizunaError(err)) return stale();
    throw err;
  }
  const existing = ctx.store.read.groups.get(groupId);
  // A group we hold already (we left it, or were removed, and are invited again): the chain must
  // continue what we hold. A row still `invited` comes from before invitations were proposals.
  let version = proposal.latest.version;
  if (existing !== undefined) {
    const held = ctx.store.read.groups.version(groupId, existing.latestVersion);
    if (existing.latestVersion > version.version) {
      if (existing.myState !== 'invited') return stale();
      version = latestVersion(ctx, groupId).version;
    } else if (held === undefined || !bytesEqual(held.hash, proposal.chain[existing.latestVersion]?.hash ?? new Uint8Array(0))) {
      return stale();
    }
  }
  if (version.kind === 'CLOSE' || !version.members.some((m) => bytesEqual(m.userId, ctx.self().userId))) return stale();
  return { inv, proposal, version, existing };
}

export const mlsKeyPackageLabel = (groupId: Uint8Array): string => `mls_key_package:${toBase64Url(groupId)}`;

export async function acceptInvitation(ctx: EngineContext, groupId: Uint8Array): Promise<GroupView> {
  const self = ctx.self();
  const { inv, proposal, version, existing } = pendingInvitation(ctx, groupId);
  const latest = proposal.latest.version;
  const applies = existing === undefined || latest.version > existing.latestVersion;
  const secret = applies && latest.mode === 'SEALED' ? openOwnSecret(self, proposal.secrets, latest.epoch) : undefined;
  if (applies && latest.mode === 'SEALED' && secret === undefined) throw new KizunaError('INVITATION_STALE', 'The invitation carries no group secret for us.');
  // The identity token goes with the join reply (issue 5); without a provider it is empty. A provider
  // that cannot produce one (file missing, token expired and not renewed) fails the accept, visibly.
  const identityToken = await presentJoinToken(ctx);
  const kp = version.mode === 'MLS' ? await mls.generateKeyPackage({ publicKey: self.signPublic, secretKey: self.signSecret }) : undefined;
  const admin = version.creator;
  ctx.store.transaction(() => {
    for (const v of proposal.chain) if (existing === undefined || v.version.version > existing.latestVersion) applyVersion(ctx, groupId, v, 'invited');
    if (secret !== undefined) storeEpochSecret(ctx.store, groupId, latest.epoch, secret, latest.secretCommitment);
    const group = requireGroup(ctx, groupId);
    if (kp !== undefined) {
      ctx.store.write.keys.putKeyPackage(groupId, kp.publicPackage, ctx.store.cipher.seal(mlsKeyPackageLabel(groupId), kp.privatePackage), ctx.now());
      ctx.store.write.groups.setMyState(groupId, 'joining');
    } else {
      // Sealed and unencrypted groups need nothing more from the admin: we hold the epoch's secret already.
      ctx.store.write.groups.setMyState(groupId, 'joined');
      ctx.store.write.groups.setJoinedEpoch(groupId, group.epoch);
      ctx.store.write.groups.setMemberStatus(groupId, self.userId, 'joined');
    }
    ctx.store.write.invitations.setState(groupId, 'accepted');
    noteRosterKeys(ctx, version);
    ctx.store.write.invitations.forgetBytes(groupId);
    // The admin's updates that came while we had not answered wait in the inbox: now they apply.
    ctx.store.write.queue.wakeDeferred(groupId);
    const body = encodeWire('Join', { version: version.version, keyPackage: kp?.publicPackage ?? new Uint8Array(0), identityToken });
    queueToUser(ctx, buildEnvelope(self, { groupId, epoch: group.epoch, type: 'JOIN', seq: 0, sentAt: ctx.now(), body, recipient: admin.userId }), admin);
  });
  ctx.events.emit('invitation', { ...proposalInvitationView(ctx, inv, proposal), state: 'accepted' });
  emitGroup(ctx, groupId);
  announceOutbox(ctx, groupId);
  return groupView(ctx, requireGroup(ctx, groupId));
}

export function declineInvitation(ctx: EngineContext, groupId: Uint8Array): void {
  const self = ctx.self();
  const { inv, proposal, version, existing } = pendingInvitation(ctx, groupId);
  const epoch = existing?.epoch ?? (version.mode === 'MLS' ? 0 : version.epoch);
  ctx.store.transaction(() => {
    // Only the answer is kept (group, inviter, version): a replay of this invitation stays refused.
    ctx.store.write.invitations.setState(groupId, 'declined');
    ctx.store.write.invitations.forgetBytes(groupId);
    if (existing !== undefined) ctx.store.write.groups.setMyState(groupId, 'declined');
    // The inviter's updates held for this invitation are now refused (no group, nothing pending).
    ctx.store.write.queue.wakeDeferred(groupId);
    const body = encodeWire('Decline', { version: version.version });
    queueToUser(
      ctx,
      buildEnvelope(self, { groupId, epoch, type: 'DECLINE', seq: 0, sentAt: ctx.now(), body, recipient: version.creator.userId }),
      version.creator,
    );
  });
  ctx.events.emit('invitation', { ...proposalInvitationView(ctx, inv, proposal), state: 'declined' });
  if (existing !== undefined) emitGroup(ctx, groupId);
  announceOutbox(ctx, groupId);
}

export function listInvitations(ctx: EngineContext): InvitationView[] {
  expireInvitations(ctx);
  const out: InvitationView[] = [];
  for (const inv of ctx.store.read.invitations.pending()) {
    try {
      out.push(invitationView(ctx, inv));
    } catch (err) {
      if (!isKizunaError(err)) throw err;
      ctx.store.write.invitations.setState(inv.groupId, 'stale'); // no longer verifies: never shown
    }
  }
  return out;
}
