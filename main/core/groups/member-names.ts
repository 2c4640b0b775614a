import type { EngineContext } from '../kernel/engine-context.js';

/**
 * The name someone is shown under inside a group: the group's own member record (what its admin
 * signed), else the contact card we accepted, else nothing. Never another group's record.
 */
export function memberName(ctx: EngineContext, groupId: Uint8Array, userId: Uint8Array): string | undefined {
  return ctx.store.read.groups.memberRecord(groupId, userId)?.displayName ?? ctx.store.read.people.get(userId)?.displayName;
}
