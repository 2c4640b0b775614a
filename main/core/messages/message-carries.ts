import type { GroupView } from '../../../shared/domain/views.js';
import { fromBase64Url, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { sendContents, type ContentInput } from './message-send.js';

/**
 * Our own messages sent again in a chat (issue 11): a merged direct chat's into the one kept, and
 * what we wrote in a direct chat before the other person joined (their history starts at their
 * join). Each waiting message goes once: the carry row is marked in the transaction that queues its
 * new envelope. Runs only where we can write (the chat is joined); until then the rows wait.
 */
export async function runCarries(ctx: EngineContext, targetGroup: Uint8Array): Promise<void> {
  // One run per chat at a time, so two runs never read the same waiting rows (not the group lock:
  // sending takes that one itself).
  await ctx.groupLocks.run(`carry:${toBase64Url(targetGroup)}`, async () => {
    if (ctx.store.read.groups.get(targetGroup)?.myState !== 'joined') return;
    const waiting = ctx.store.read.directMerges.waiting(targetGroup);
    const items = waiting.flatMap((carry) => {
      const message = ctx.store.read.messages.get(carry.messageId);
      return message === undefined || message.kind !== 'text' ? [] : [{ carry, message }];
    });
    if (items.length === 0) return;
    // One at a time: each gets its own send time, so the other side shows them in the order written.
    for (const { carry, message } of items) {
      const replyTo = carriedReply(ctx, targetGroup, message.replyTo);
      const content: ContentInput = replyTo === undefined ? { text: { text: message.body } } : { text: { text: message.body }, replyTo };
      const shown = carry.shown === 1 ? { kind: 'text' as const, body: message.body, replyTo: replyTo ?? null, fileName: null, fileSize: null, fileMime: null, fileHash: null } : null;
      await sendContents(ctx, targetGroup, [content], () => shown, ([id]) => {
        if (id !== undefined) ctx.store.write.directMerges.markCarried(carry.messageId, id);
      });
    }
  });
}

/**
 * What a carried reply points at: the message its target became when that was carried, or the
 * target itself if the other side has it (a message of the kept chat that was never carried).
 */
function carriedReply(ctx: EngineContext, targetGroup: Uint8Array, replyTo: Uint8Array | null): Uint8Array | undefined {
  if (replyTo === null) return undefined;
  const carried = ctx.store.read.directMerges.carriedAs(replyTo);
  if (carried !== undefined) return carried;
  const original = ctx.store.read.messages.get(replyTo);
  const inTarget = original !== undefined && Buffer.compare(original.groupId, targetGroup) === 0;
  const waiting = ctx.store.read.directMerges.waiting(targetGroup).some((c) => Buffer.compare(c.messageId, replyTo) === 0);
  return inTarget && !waiting ? replyTo : undefined;
}

/** Runs the carries of a chat in the background (after the change that made them possible committed). */
export function carrySoon(ctx: EngineContext, targetGroup: Uint8Array): void {
  runCarries(ctx, targetGroup).catch((err: unknown) => ctx.log.warn('carrying messages failed', { error: String(err) }));
}

/** On a group's view: if we can write there now and messages wait to be carried into it, carry them. */
export function carryWhenJoined(ctx: EngineContext, group: GroupView): void {
  if (group.myState !== 'joined') return;
  const id = fromBase64Url(group.groupId);
  if (id !== undefined && ctx.store.read.directMerges.waiting(id).length > 0) carrySoon(ctx, id);
}
