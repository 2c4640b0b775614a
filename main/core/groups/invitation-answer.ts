import type { GroupView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import * as mls from '../crypto/mls/index.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { announceOutbox, queueToUser } from '../kernel/outbox-writer.js';
import { buildEnvelope } from '../envelopes/envelope-builder.js';
import { presentJoinToken } from '../identity/member-identity-tokens.js';
import { encodeWire } from '../wire/wire-codec.js';
import { latestVersion, noteRosterKeys, requireGroup } from './group-state.js';
import { emitGroup, groupView, invitationView } from './group-views.js';

/**
 * The invitee's answer. Invitations are never auto-accepted: accept sends SLIM's JOIN_REPLY (with a
 * fresh MLS key package in mls mode) to the admin; decline tells the admin, who records it.
 */
function pendingInvitation(ctx: EngineContext, groupId: Uint8Array) {
  const inv = ctx.store.read.invitations.get(groupId);
  if (inv === undefined || inv.state !== 'pending') throw new KizunaError('INVITATION_NOT_FOUND');
  const v = latestVersion(ctx, groupId).version;
  if (v.kind === 'CLOSE' || !v.members.some((m) => bytesEqual(m.userId, ctx.self().userId))) {
    ctx.store.write.invitations.setState(groupId, 'stale');
    throw new KizunaError('INVITATION_STALE');
  }
  return { inv, version: v };
}

export const mlsKeyPackageLabel = (groupId: Uint8Array): string => `mls_key_package:${toBase64Url(groupId)}`;

export async function acceptInvitation(ctx: EngineContext, groupId: Uint8Array): Promise<GroupView> {
  const self = ctx.self();
  const { inv, version } = pendingInvitation(ctx, groupId);
  const group = requireGroup(ctx, groupId);
  // The identity token goes with the join reply (issue 5); without a provider it is empty. A provider
  // that cannot produce one (file missing, token expired and not renewed) fails the accept, visibly.
  const identityToken = await presentJoinToken(ctx);
  const kp = group.mode === 'mls' ? await mls.generateKeyPackage({ publicKey: self.signPublic, secretKey: self.signSecret }) : undefined;
  const admin = version.creator;
  ctx.store.transaction(() => {
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
    const body = encodeWire('Join', { version: version.version, keyPackage: kp?.publicPackage ?? new Uint8Array(0), identityToken });
    queueToUser(ctx, buildEnvelope(self, { groupId, epoch: group.epoch, type: 'JOIN', seq: 0, sentAt: ctx.now(), body, recipient: admin.userId }), admin);
  });
  ctx.events.emit('invitation', { ...invitationView(ctx, inv), state: 'accepted' });
  emitGroup(ctx, groupId);
  announceOutbox(ctx, groupId);
  return groupView(ctx, requireGroup(ctx, groupId));
}

export function declineInvitation(ctx: EngineContext, groupId: Uint8Array): void {
  const self = ctx.self();
  const { inv, version } = pendingInvitation(ctx, groupId);
  const group = requireGroup(ctx, groupId);
  ctx.store.transaction(() => {
    ctx.store.write.invitations.setState(groupId, 'declined');
    ctx.store.write.groups.setMyState(groupId, 'declined');
    const body = encodeWire('Decline', { version: version.version });
    queueToUser(
      ctx,
      buildEnvelope(self, { groupId, epoch: group.epoch, type: 'DECLINE', seq: 0, sentAt: ctx.now(), body, recipient: version.creator.userId }),
      version.creator,
    );
  });
  ctx.events.emit('invitation', { ...invitationView(ctx, inv), state: 'declined' });
  emitGroup(ctx, groupId);
  announceOutbox(ctx, groupId);
}

export function listInvitations(ctx: EngineContext) {
  return ctx.store.read.invitations.pending().map((inv) => invitationView(ctx, inv));
}
