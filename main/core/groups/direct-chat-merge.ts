import type { EncryptionMode, GroupView } from '../../../shared/domain/views.js';
import { isKizunaError } from '../../../shared/errors/kizuna-error.js';
import { blake2b256 } from '../crypto/hash.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { InvitationRow } from '../store/tables/invitations-table.js';
import { existingDirectChat } from './direct-chat-lookup.js';
import { acceptInvitation } from './invitation-answer.js';
import { storedProposal } from './invitation-record.js';
import { modeOf, proposalInvitationView } from './invitation-views.js';
import { emitGroup } from './group-views.js';

/**
 * Direct chats converge (issue 11). Two people may each start a direct chat with the other while
 * apart; when each holds the other's invitation, both keep the chat whose id sorts first. The side
 * whose own chat loses accepts the other's invitation (the user asked for a chat with that person:
 * this is that chat) and folds its chat in: marked merged, hidden, its messages sent again in the
 * kept one. The side whose chat is kept answers the other invitation here only, without a word: a
 * decline would take the person out of the other's chat before the other folded it in.
 */

interface DirectInvitation {
  row: InvitationRow;
  other: Uint8Array;
  mode: EncryptionMode;
}

/** What a pending invitation row is: a direct chat with us in this mode, or nothing to reconcile (null). */
type Verdict = { mode: EncryptionMode } | null;

/**
 * Verdicts by (us, group, inviter, hash of the stored bytes), for the rows pending at the last pass.
 * Deciding one verifies the stored envelope and its version chain (Ed25519, about a millisecond
 * each): done for every pending row on every direct invitation that arrived, that was most of a
 * reconciliation (320 pending: ~130 ms). The verdict is a pure function of what the key names, so
 * only rows new since the last pass (or whose bytes changed) are verified; rows no longer pending
 * are forgotten, so the map never outgrows the pending invitations (a few hundred, see invitation-bounds.ts).
 */
const verdicts = new WeakMap<EngineContext, Map<string, Verdict>>();

/** Pending invitations to a direct chat with us, from the person who started it. */
function directInvitations(ctx: EngineContext): DirectInvitation[] {
  const self = ctx.self().userId;
  const known = verdicts.get(ctx);
  const current = new Map<string, Verdict>();
  const out: DirectInvitation[] = [];
  for (const row of ctx.store.read.invitations.pending()) {
    const key = verdictKey(self, row);
    // `has`, not `??`: null (not a direct invitation to us) is a verdict too.
    const verdict = known?.has(key) === true ? (known.get(key) as Verdict) : verdictOf(row, self);
    current.set(key, verdict);
    if (verdict !== null) out.push({ row, other: row.inviter, mode: verdict.mode });
  }
  verdicts.set(ctx, current);
  return out;
}

/** Every input of `verdictOf`: the stored bytes by their hash (they may be large). */
function verdictKey(self: Uint8Array, row: InvitationRow): string {
  return [self, row.groupId, row.inviter, blake2b256(row.inviteBytes)].map(toBase64Url).join('.');
}

/** Verifies the stored invitation again from its bytes (the slow path, unchanged). */
function verdictOf(row: InvitationRow, self: Uint8Array): Verdict {
  try {
    const v = storedProposal(row).latest.version;
    const toUs = v.members.length === 1 && v.members[0] !== undefined && bytesEqual(v.members[0].userId, self);
    return v.direct && toUs && bytesEqual(v.creator.userId, row.inviter) ? { mode: modeOf(v) } : null;
  } catch (err) {
    if (isKizunaError(err)) return null; // listInvitations marks it stale
    throw err;
  }
}

/** The invitation `other` sent us to a direct chat in `mode`, still waiting for our answer. */
export function waitingDirectInvitation(ctx: EngineContext, other: Uint8Array, mode: EncryptionMode): InvitationRow | undefined {
  return directInvitations(ctx).find((d) => d.mode === mode && bytesEqual(d.other, other))?.row;
}

/** "New chat" with someone whose direct-chat invitation waits: that chat, joined (one chat, not two). */
export async function joinWaitingDirectChat(ctx: EngineContext, other: Uint8Array, mode: EncryptionMode): Promise<GroupView | undefined> {
  const waiting = waitingDirectInvitation(ctx, other, mode);
  return waiting === undefined ? undefined : acceptInvitation(ctx, waiting.groupId);
}

/** Marks `loser` merged into `kept` and queues our messages of `loser` for it (sent once we can write there). */
function mergeInto(ctx: EngineContext, loser: Uint8Array, kept: Uint8Array): void {
  ctx.store.transaction(() => {
    ctx.store.write.directMerges.merge(loser, kept, ctx.now());
    ctx.store.write.directMerges.queueCarries(loser, ctx.self().userId, kept, true);
  });
  ctx.log.info('direct chat merged', { merged: toBase64Url(loser), kept: toBase64Url(kept) });
  emitGroup(ctx, loser);
  // The kept chat's view event carries the queued messages once we can write there (the engine's
  // carryWhenJoined; groups sit below messages, so the carrying is not called from here).
  emitGroup(ctx, kept);
}

/**
 * Whether `a` is kept over `b`: the id that sorts first as every host shows it (base64url text), so
 * both sides, and anyone reading their views, reach the same answer.
 */
const first = (a: Uint8Array, b: Uint8Array): boolean => toBase64Url(a) < toBase64Url(b);

/**
 * Settles every pair of direct chats with the same person in the same mode: a waiting invitation
 * beside a chat of ours, and two chats we are in (both accepted by hand). Safe to run again.
 */
export async function reconcileDirectChats(ctx: EngineContext): Promise<void> {
  if (!ctx.hasSelf()) return;
  // One pass at a time: two invitations arriving together must not both accept or merge.
  await ctx.groupLocks.run('direct-chats', () => reconcileNow(ctx));
}

async function reconcileNow(ctx: EngineContext): Promise<void> {
  for (const inv of directInvitations(ctx)) {
    const mine = existingDirectChat(ctx, inv.other, inv.mode);
    if (mine === undefined) continue;
    if (first(inv.row.groupId, mine.groupId)) {
      await acceptInvitation(ctx, inv.row.groupId);
      mergeInto(ctx, mine.groupId, inv.row.groupId);
    } else {
      const view = proposalInvitationView(ctx, inv.row, storedProposal(inv.row));
      ctx.store.transaction(() => {
        ctx.store.write.invitations.setState(inv.row.groupId, 'declined');
        ctx.store.write.invitations.forgetBytes(inv.row.groupId);
      });
      ctx.events.emit('invitation', { ...view, state: 'declined' });
    }
  }
  for (;;) {
    const pair = twoLiveChats(ctx);
    if (pair === undefined) return;
    mergeInto(ctx, pair.loser, pair.kept);
  }
}

/** Two unmerged live direct chats with the same person in the same mode, if there are. */
function twoLiveChats(ctx: EngineContext): { kept: Uint8Array; loser: Uint8Array } | undefined {
  const self = ctx.self().userId;
  const seen = new Map<string, Uint8Array>();
  for (const g of ctx.store.read.groups.list()) {
    if (g.direct !== 1 || (g.myState !== 'joined' && g.myState !== 'joining')) continue;
    if (ctx.store.read.directMerges.keptFor(g.groupId) !== undefined) continue;
    const other = ctx.store.read.groups.members(g.groupId).find((m) => !bytesEqual(m.userId, self));
    if (other === undefined) continue;
    const key = `${g.mode}:${toBase64Url(other.userId)}`;
    const before = seen.get(key);
    if (before === undefined) seen.set(key, g.groupId);
    else return first(before, g.groupId) ? { kept: before, loser: g.groupId } : { kept: g.groupId, loser: before };
  }
  return undefined;
}

/** Runs the reconciliation in the background (after an invitation arrived or the engine opened). */
export function reconcileSoon(ctx: EngineContext): void {
  reconcileDirectChats(ctx).catch((err: unknown) => ctx.log.warn('direct chat reconciliation failed', { error: String(err) }));
}
