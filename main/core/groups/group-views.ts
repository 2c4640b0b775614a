import type { GroupView, InvitationView } from '../../../shared/domain/views.js';
import { toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { GroupRow } from '../store/tables/groups-table.js';
import type { InvitationRow } from '../store/tables/invitations-table.js';
import { groupActivityOf, groupViewOf } from './group-view-of.js';
import { invitationRowView } from './invitation-views.js';

/** get_all_my_groups' GroupOutput, grown into what a desktop group list needs. */
export function groupView(ctx: EngineContext, row: GroupRow): GroupView {
  return groupViewOf(ctx.store.read, ctx.self().userId, row);
}


const soon = new WeakMap<EngineContext, Map<string, Uint8Array>>();

/**
 * A message was stored in a group (last message, last activity, unread count): tell the host once per
 * tick, not once per message, so a burst of thousands of messages costs a handful of events; and only
 * what a message moves (`group-activity`), not the whole view with every member.
 */
export function emitActivitySoon(ctx: EngineContext, groupId: Uint8Array): void {
  let pending = soon.get(ctx);
  if (pending === undefined) {
    pending = new Map();
    soon.set(ctx, pending);
  }
  if (pending.size === 0) {
    setImmediate(() => {
      const ids = [...(pending?.values() ?? [])];
      pending?.clear();
      for (const id of ids) {
        try {
          emitActivity(ctx, id);
        } catch {
          // the engine closed meanwhile
        }
      }
    });
  }
  pending.set(toBase64Url(groupId), groupId);
}

/** The group's last message, last activity or unread count moved (a message stored, or read): only those go out. */
export function emitActivity(ctx: EngineContext, groupId: Uint8Array): void {
  const row = ctx.store.read.groups.get(groupId);
  if (row !== undefined) ctx.events.emit('group-activity', groupActivityOf(ctx.store.read, row));
}

export function emitGroup(ctx: EngineContext, groupId: Uint8Array): void {
  const row = ctx.store.read.groups.get(groupId);
  if (row !== undefined) ctx.events.emit('group', groupView(ctx, row));
}

export function invitationView(ctx: EngineContext, inv: InvitationRow): InvitationView {
  return invitationRowView(ctx, inv);
}
