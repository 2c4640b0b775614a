import type { EngineContext } from '../kernel/engine-context.js';
import type { StoreReader } from '../store/store.js';

/**
 * The name someone is shown under inside a group: the group's own member record (what its admin
 * signed), else the contact card we accepted, else nothing. Never another group's record.
 */
export function memberName(ctx: EngineContext, groupId: Uint8Array, userId: Uint8Array): string | undefined {
  return memberNameIn(ctx.store.read, groupId, userId);
}

/** The same from the store alone (the CLI's read-only commands). */
export function memberNameIn(read: StoreReader, groupId: Uint8Array, userId: Uint8Array): string | undefined {
  return read.groups.memberRecord(groupId, userId)?.displayName ?? read.people.get(userId)?.displayName;
}
