import type { EngineContext } from '../kernel/engine-context.js';

/**
 * What an inviter can make us store (issue 8, classes 1 and 6). Anyone on the node can sign an
 * invitation, and keys cost nothing, so pending invitations are bounded per inviter, in all from
 * people who are not our contacts (count and bytes: an invitation is kept as received), and in time.
 * Contacts' invitations have a total of their own, so a flood of strangers cannot crowd them out,
 * and a contact whose keys leaked (or many of them) still cannot grow the database without limit.
 */
export const INVITATION_TTL_MS = 30 * 24 * 3600 * 1000;
export const MAX_PENDING_PER_INVITER = 8;
export const MAX_PENDING_FROM_STRANGERS = 64;
export const MAX_PENDING_BYTES_FROM_STRANGERS = 16 * 1024 * 1024;
export const MAX_PENDING_FROM_CONTACTS = 256;
export const MAX_PENDING_BYTES_FROM_CONTACTS = 64 * 1024 * 1024;

/** Forgets invitations older than the TTL (each pending one counted as `invite-expired`). */
export function expireInvitations(ctx: EngineContext): void {
  const expired = ctx.store.write.invitations.expire(ctx.now() - INVITATION_TTL_MS);
  for (let i = 0; i < expired; i++) ctx.store.write.log.countDrop('invite-expired');
}

/** Undefined if one more invitation of `bytes` from `inviter` fits; otherwise the drop reason. */
export function invitationRefusal(ctx: EngineContext, inviter: Uint8Array, sentAt: number, bytes: number): string | undefined {
  const now = ctx.now();
  if (sentAt < now - INVITATION_TTL_MS) return 'invite-expired';
  if (ctx.store.read.invitations.pendingFrom(inviter) >= MAX_PENDING_PER_INVITER) return 'invite-cap-inviter';
  if (ctx.store.read.people.get(inviter)?.contactState === 'added') {
    const contacts = ctx.store.read.invitations.pendingFromContacts();
    const full = contacts.count >= MAX_PENDING_FROM_CONTACTS || contacts.bytes + bytes > MAX_PENDING_BYTES_FROM_CONTACTS;
    return full ? 'invite-cap-contacts' : undefined;
  }
  const strangers = ctx.store.read.invitations.pendingFromStrangers();
  if (strangers.count >= MAX_PENDING_FROM_STRANGERS || strangers.bytes + bytes > MAX_PENDING_BYTES_FROM_STRANGERS) return 'invite-cap-total';
  return undefined;
}
