import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import { peekEnvelope, readEnvelope, type PeekedEnvelope } from '../envelopes/envelope-reader.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { GroupRow } from '../store/tables/groups-table.js';
import type { EnvelopeType } from '../wire/wire-schemas.js';

/**
 * What may enter the durable inbox at all (issue 8, class 6). Anyone on the node can publish to a
 * member's name or a group's channel, and every stored row is disk the sender made us spend; so,
 * before storing, with cheap checks first:
 * - a group envelope only for a group we know, and only from someone its records name (a member,
 *   an invitee, or anyone in one of its signed rosters); only an invitation can open a new group;
 * - anything larger than UNSIGNED_MAX_BYTES only with a valid signature by its claimed sender;
 * - invitations and secret requests (each makes us store, show or send) only with a valid signature,
 *   and then within a per-sender rate: a sender's tokens are charged, and an invitation noted, only
 *   once the signature verified, so forgeries claiming a member never use up that member's rate.
 * Bytes that do not even decode are left to the inbox, which records and counts them as before.
 */
export const UNSIGNED_MAX_BYTES = 16 * 1024;

/** Per sender: this many in a burst, one more every REFILL_MS. */
const RATE_BURST = 20;
const REFILL_MS = 3_000;
const RATED: ReadonlySet<EnvelopeType> = new Set(['INVITE', 'SECRET_REQUEST']);
const MAX_TRACKED_SENDERS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

const buckets = new WeakMap<EngineContext, Map<string, Bucket>>();

/** Undefined: store it; otherwise the drop reason (counted by the caller). */
export function admissionRefusal(ctx: EngineContext, bytes: Uint8Array): string | undefined {
  let e: PeekedEnvelope;
  try {
    e = peekEnvelope(bytes);
  } catch {
    return undefined;
  }
  const read = ctx.store.read.groups;
  const fromSelf = bytesEqual(e.sender, ctx.self().userId);
  const group = read.get(e.groupId);
  if (e.type !== 'INVITE' && !fromSelf) {
    if (group === undefined && !invitedBy(ctx, e.groupId, e.sender)) return 'unknown-group';
    if (read.member(e.groupId, e.sender) === undefined && !inAnyRoster(ctx, e.groupId, e.sender) && !invitedBy(ctx, e.groupId, e.sender)) {
      return 'unknown-sender';
    }
    if (group !== undefined && formerMemberAhead(ctx, e, group)) return 'deferred-not-member';
  }
  if (e.seq > 0 && !fromSelf && group !== undefined && removedPastCutoff(ctx, e, group)) return 'sender-removed';
  const rated = RATED.has(e.type);
  const kind = e.type.toLowerCase().replaceAll('_', '-');
  // The signature before anything is charged or noted in the claimed sender's name: otherwise forged
  // copies claiming a member would use up that member's rate and get its genuine ones dropped.
  if (rated || bytes.byteLength > UNSIGNED_MAX_BYTES) {
    if (!signatureHolds(ctx, bytes)) return rated ? `${kind}-bad-signature` : 'large-unsigned';
  }
  if (rated && !take(ctx, `${e.type}|${toBase64Url(e.sender)}`, ctx.now())) return `${kind}-rate`;
  if (e.type === 'INVITE') noteInvitation(ctx, e.groupId, e.sender);
  return undefined;
}

/**
 * Whether the envelope's signature holds for its claimed sender. One Ed25519 verification, spent on
 * the rated types before they are charged; the inbox then finds it in `checkedSignatures`.
 */
function signatureHolds(ctx: EngineContext, bytes: Uint8Array): boolean {
  try {
    readEnvelope(bytes, { checked: ctx.checkedSignatures });
    return true;
  } catch {
    return false;
  }
}

/**
 * Invitations admitted but perhaps not processed yet: the inbox works through its rows after
 * admission, so the inviter's next envelopes for that group (a removal, a new version) may arrive
 * before the group is in the store. Only the inviter's own envelopes pass this way; bounded.
 */
const MAX_PENDING_INVITES = 1_024;
const pendingInvites = new WeakMap<EngineContext, Map<string, Set<string>>>();

function noteInvitation(ctx: EngineContext, groupId: Uint8Array, inviter: Uint8Array): void {
  let map = pendingInvites.get(ctx);
  if (map === undefined) {
    map = new Map();
    pendingInvites.set(ctx, map);
  }
  const key = toBase64Url(groupId);
  let inviters = map.get(key);
  if (inviters === undefined) {
    if (map.size >= MAX_PENDING_INVITES) map.clear();
    inviters = new Set();
    map.set(key, inviters);
  }
  if (inviters.size < 8) inviters.add(toBase64Url(inviter));
}

function invitedBy(ctx: EngineContext, groupId: Uint8Array, sender: Uint8Array): boolean {
  const stored = ctx.store.read.invitations.get(groupId);
  if (stored !== undefined && bytesEqual(stored.inviter, sender)) return true;
  return pendingInvites.get(ctx)?.get(toBase64Url(groupId))?.has(toBase64Url(sender)) ?? false;
}

/**
 * A removed member's envelope after the cutoff the admin signed for them: the inbox would drop it
 * ('sender-removed', membership-check.ts), so it is not stored, and so not acknowledged: an ack
 * would tell its writer it was delivered (issue 9).
 */
function removedPastCutoff(ctx: EngineContext, e: PeekedEnvelope, group: GroupRow): boolean {
  if (inCurrentRoster(ctx, group, e.sender) !== false) return false;
  const cutoff = ctx.store.read.groups.cutoff(e.groupId, e.sender);
  return cutoff !== undefined && e.seq > cutoff;
}

/** Whether the roster of the group's current epoch names `sender`; undefined when we hold no such roster. */
function inCurrentRoster(ctx: EngineContext, group: GroupRow, sender: Uint8Array): boolean | undefined {
  return ctx.store.read.groups.roster(group.groupId, group.epoch)?.some((m) => bytesEqual(m, sender));
}

/** What a 'dropped' event says about a refused envelope: its group, sender and type, when they can be read. */
export function refusedEnvelope(bytes: Uint8Array): { groupId?: string; sender?: string; type?: string } {
  try {
    const e = peekEnvelope(bytes);
    return { groupId: toBase64Url(e.groupId), sender: toBase64Url(e.sender), type: e.type };
  } catch {
    return {};
  }
}

/**
 * An envelope for an epoch we have not reached from someone outside our current roster (a removed
 * member, who is still in old rosters): its handler would refuse it (membership-check), so it is not
 * even stored. Without this a removed member could fill our inbox with rows that are only dropped later.
 */
const EPOCH_CHECKED: ReadonlySet<EnvelopeType> = new Set(['MESSAGE', 'TYPING', 'LEAVE']);

function formerMemberAhead(ctx: EngineContext, e: PeekedEnvelope, group: GroupRow): boolean {
  if (!EPOCH_CHECKED.has(e.type)) return false;
  if (group.myState !== 'joined' || e.epoch <= group.epoch || ctx.store.read.groups.roster(e.groupId, e.epoch) !== undefined) return false;
  return inCurrentRoster(ctx, group, e.sender) !== true;
}

function inAnyRoster(ctx: EngineContext, groupId: Uint8Array, sender: Uint8Array): boolean {
  const read = ctx.store.read.groups;
  return read.epochs(groupId).some((ep) => (read.roster(groupId, ep.epoch) ?? []).some((m) => bytesEqual(m, sender)));
}

function take(ctx: EngineContext, key: string, now: number): boolean {
  let map = buckets.get(ctx);
  if (map === undefined) {
    map = new Map();
    buckets.set(ctx, map);
  }
  let b = map.get(key);
  if (b === undefined) {
    if (map.size >= MAX_TRACKED_SENDERS) map.clear();
    b = { tokens: RATE_BURST, at: now };
    map.set(key, b);
  }
  b.tokens = Math.min(RATE_BURST, b.tokens + Math.max(0, now - b.at) / REFILL_MS);
  b.at = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}
