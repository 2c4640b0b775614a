import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual } from '../encoding/base64url.js';
import { readEnvelope } from '../envelopes/envelope-reader.js';
import type { InvitationRow } from '../store/tables/invitations-table.js';
import { decodeWire } from '../wire/wire-codec.js';
import { inviteSchema, type Envelope, type SealedSecret } from '../wire/wire-schemas.js';
import { verifyChain } from './group-chain.js';
import type { VerifiedGroupVersion } from './signed-group-version.js';

/**
 * An invitation as a proposal (issue 8, class 1): the inviter's signed INVITE envelope, kept as
 * received, and what it proposes — a version chain signed end to end by the group's admin, who is
 * the inviter. Nothing of it is in the group, member or people tables until the user accepts; then
 * it is verified again from these bytes and applied (`invitation-answer.ts`).
 */
export interface InvitationProposal {
  groupId: Uint8Array;
  inviter: Uint8Array;
  /** The envelope's epoch (the epoch the admin invited us at). */
  epoch: number;
  sentAt: number;
  chain: VerifiedGroupVersion[];
  latest: VerifiedGroupVersion;
  secrets: SealedSecret[];
}

/** Decodes and checks an INVITE envelope's body; throws a typed error if it proposes anything invalid. */
export function proposalOf(envelope: Envelope): InvitationProposal {
  const invite = decodeWire('Invite', inviteSchema, envelope.body);
  const chain = verifyChain(invite.chain, envelope.groupId);
  const latest = chain[chain.length - 1] as VerifiedGroupVersion;
  if (!bytesEqual(latest.signer, envelope.sender)) throw new KizunaError('INVITATION_STALE', 'The invitation is not from the group admin.');
  return { groupId: envelope.groupId, inviter: envelope.sender, epoch: envelope.epoch, sentAt: envelope.sentAt, chain, latest, secrets: invite.secrets };
}

/** The stored invitation, verified again from the bytes as received (signature, chain, admin). */
export function storedProposal(row: InvitationRow): InvitationProposal {
  if (row.inviteBytes.byteLength === 0) throw new KizunaError('INVITATION_NOT_FOUND');
  const { envelope } = readEnvelope(row.inviteBytes);
  if (envelope.type !== 'INVITE' || !bytesEqual(envelope.groupId, row.groupId) || !bytesEqual(envelope.sender, row.inviter)) {
    throw new KizunaError('STORE_CORRUPT', 'A stored invitation does not match its record.');
  }
  return proposalOf(envelope);
}

/** Whether a proposal still names us, in a group that is not closed. */
export function proposesMembership(p: InvitationProposal, self: Uint8Array): boolean {
  const v = p.latest.version;
  return v.kind !== 'CLOSE' && v.members.some((m) => bytesEqual(m.userId, self));
}
