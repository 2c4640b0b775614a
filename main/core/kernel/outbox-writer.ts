import type { EngineContext } from './engine-context.js';
import type { BuiltEnvelope } from '../envelopes/envelope-builder.js';
import { groupChannelName } from './channel-names.js';
import { toBase64Url } from '../encoding/base64url.js';

/**
 * Queues built envelopes for the session layer. Call inside the transaction that writes what the
 * envelope announces, so a message and its job land together or not at all.
 */
export function queueToChannel(ctx: EngineContext, built: BuiltEnvelope, messageId: Uint8Array | null = null): void {
  addJob(ctx, built, { destination: 'group', recipient: null, slimName: groupChannelName(built.envelope.groupId), messageId });
}

export function queueToUser(ctx: EngineContext, built: BuiltEnvelope, to: { userId: Uint8Array; slimName: string }): void {
  addJob(ctx, built, { destination: 'user', recipient: to.userId, slimName: to.slimName, messageId: null });
}

function addJob(
  ctx: EngineContext,
  built: BuiltEnvelope,
  where: { destination: 'group' | 'user'; recipient: Uint8Array | null; slimName: string; messageId: Uint8Array | null },
): void {
  const e = built.envelope;
  const now = ctx.now();
  ctx.store.write.queue.addOutbox({ envelopeId: built.id, groupId: e.groupId, type: e.type, seq: e.seq, bytes: built.bytes, nextAttemptAt: now, createdAt: now, ...where });
}

/** Tells the host that jobs are waiting (after the transaction committed). */
export function announceOutbox(ctx: EngineContext, groupId: Uint8Array): void {
  ctx.events.emit('outbox', { groupId: toBase64Url(groupId) });
}
