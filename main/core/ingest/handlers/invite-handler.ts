import { bytesEqual } from '../../encoding/base64url.js';
import { openOwnSecret, storeEpochSecret } from '../../encryption/sealed-secrets.js';
import { verifyChain } from '../../groups/group-chain.js';
import { applyVersion } from '../../groups/group-state.js';
import { emitGroup, invitationView } from '../../groups/group-views.js';
import type { InvitationRow } from '../../store/tables/invitations-table.js';
import { decodeWire } from '../../wire/wire-codec.js';
import { inviteSchema } from '../../wire/wire-schemas.js';
import { done, drop, type Handler } from '../verdict.js';

/**
 * INVITE (SLIM's JOIN_REQUEST): the whole version chain, verified end to end, from the admin. It
 * becomes a pending invitation; nothing is joined until the user accepts. Invitations from people
 * we blocked are refused (seed 003's open TODO).
 */
export const handleInvite: Handler = async (ctx, v) => {
  const e = v.envelope;
  const self = ctx.self();
  if (ctx.store.read.people.isBlocked(e.sender)) return drop('blocked-inviter');
  const invite = decodeWire('Invite', inviteSchema, e.body);
  const chain = verifyChain(invite.chain, e.groupId);
  const latest = chain[chain.length - 1]!;
  if (!bytesEqual(latest.signer, e.sender)) return drop('not-admin');
  if (latest.version.kind === 'CLOSE') return drop('stale-invite');
  if (!latest.version.members.some((m) => bytesEqual(m.userId, self.userId))) return drop('stale-invite');
  const existing = ctx.store.read.groups.get(e.groupId);
  if (existing !== undefined && (existing.myState === 'joined' || existing.myState === 'joining') && existing.latestVersion >= latest.version.version) {
    return done(); // a repeated invitation for a group we are already in
  }
  if (existing !== undefined && existing.latestVersion > latest.version.version) return drop('stale-invite');
  const secret = latest.version.mode === 'SEALED' ? openOwnSecret(self, invite.secrets, latest.version.epoch) : undefined;
  const row: InvitationRow = { groupId: e.groupId, inviter: e.sender, version: latest.version.version, inviteBytes: v.bytes, receivedAt: ctx.now(), state: 'pending' };
  return done(
    () => {
      for (const version of chain) {
        if (existing === undefined || version.version.version > existing.latestVersion) applyVersion(ctx, e.groupId, version, 'invited');
      }
      ctx.store.write.groups.setMyState(e.groupId, 'invited');
      if (secret !== undefined) storeEpochSecret(ctx.store, e.groupId, latest.version.epoch, secret, latest.version.secretCommitment);
      ctx.store.write.invitations.put(row);
    },
    () => {
      ctx.events.emit('invitation', { ...invitationView(ctx, row), state: 'pending' });
      emitGroup(ctx, e.groupId);
    },
  );
};

