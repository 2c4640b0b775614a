import { bytesEqual } from '../encoding/base64url.js';
import type { GroupRow } from '../store/tables/groups-table.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { Envelope } from '../wire/wire-schemas.js';
import { defer, drop, type Verdict } from './verdict.js';

/**
 * The rule every group envelope meets: its sender is in the roster of the epoch it claims. An epoch
 * this device has not reached yet waits (the commit or version that opens it may still be on its
 * way); one it never had (before it joined) is refused.
 */
export function checkSenderAtEpoch(ctx: EngineContext, group: GroupRow, e: Envelope): Verdict | undefined {
  const roster = ctx.store.read.groups.roster(group.groupId, e.epoch);
  if (roster === undefined) {
    if (e.epoch <= group.epoch) return drop('epoch-unknown');
    // Kept for later only from someone in our current roster: anyone else could fill our inbox with
    // envelopes for epochs that will never come (issue 8, class 6).
    const current = ctx.store.read.groups.roster(group.groupId, group.epoch) ?? [];
    return current.some((m) => bytesEqual(m, e.sender)) ? defer('epoch-ahead') : drop('deferred-not-member');
  }
  if (!roster.some((m) => bytesEqual(m, e.sender))) return drop('not-member');
  // Someone no longer in the group may hold an old epoch's keys: the admin's cutoff says which of
  // their envelopes the group still takes (sequenced ones up to it; nothing unsequenced).
  const current = ctx.store.read.groups.roster(group.groupId, group.epoch);
  if (current !== undefined && !current.some((m) => bytesEqual(m, e.sender))) {
    const cutoff = ctx.store.read.groups.cutoff(group.groupId, e.sender);
    if (e.seq === 0 || (cutoff !== undefined && e.seq > cutoff)) return drop('sender-removed');
  }
  return undefined;
}
