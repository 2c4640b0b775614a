import { toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { SyncCursor } from '../store/tables/channel-log-table.js';
import type { GroupRow } from '../store/tables/groups-table.js';

/**
 * Reads shared by the envelopes of one batch of content (issue 13: the group row and the sender's
 * cursor were read two or three times per message). A batch is decided inside its group's lock and
 * its writes land only when it commits, so until then these rows are what the store would return:
 * the inbox opens the memo when a batch starts and drops it when the batch commits (or before
 * anything that is not content: that is decided on the committed state, without the memo).
 */
interface Memo {
  groups: Map<string, GroupRow | undefined>;
  cursors: Map<string, SyncCursor | undefined>;
}

const open = new WeakMap<EngineContext, Memo>();

/** Opens the memo unless the batch has one already. */
export function openBatchReads(ctx: EngineContext): void {
  if (!open.has(ctx)) open.set(ctx, { groups: new Map(), cursors: new Map() });
}

export function closeBatchReads(ctx: EngineContext): void {
  open.delete(ctx);
}

/** The group row, once per batch (straight from the store outside one). */
export function batchGroup(ctx: EngineContext, groupId: Uint8Array): GroupRow | undefined {
  const memo = open.get(ctx);
  if (memo === undefined) return ctx.store.read.groups.get(groupId);
  const key = toBase64Url(groupId);
  if (!memo.groups.has(key)) memo.groups.set(key, ctx.store.read.groups.get(groupId));
  return memo.groups.get(key);
}

/** A sender's sync cursor as committed before this batch, once per batch. */
export function batchCursor(ctx: EngineContext, groupId: Uint8Array, sender: Uint8Array): SyncCursor | undefined {
  const memo = open.get(ctx);
  if (memo === undefined) return ctx.store.read.log.cursor(groupId, sender);
  const key = `${toBase64Url(groupId)}|${toBase64Url(sender)}`;
  if (!memo.cursors.has(key)) memo.cursors.set(key, ctx.store.read.log.cursor(groupId, sender));
  return memo.cursors.get(key);
}
