import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { buildEnvelope, type BuiltEnvelope } from '../envelopes/envelope-builder.js';
import type { EnvelopeType } from '../wire/wire-schemas.js';
import type { EngineContext } from './engine-context.js';
import { queueToChannel } from './outbox-writer.js';

/**
 * Builds, logs and queues one of our own sequenced channel envelopes. Runs inside a transaction
 * (and the group's lock): it takes our next sequence number, which must be the one the body was
 * bound to when it was encrypted. Our own envelopes go into the channel log too, so we can answer
 * retransmission and catch-up requests for them.
 */
export function writeSequencedEnvelope(
  ctx: EngineContext,
  fields: { groupId: Uint8Array; epoch: number; type: EnvelopeType; seq: number; body: Uint8Array; sentAt: number },
  messageId: 'self' | null = null,
): BuiltEnvelope {
  const seq = ctx.store.write.log.takeOwnSeq(fields.groupId);
  if (seq !== fields.seq) throw new KizunaError('INTERNAL', 'sequence number moved while sending', { expected: fields.seq, got: seq });
  const built = buildEnvelope(ctx.self(), fields);
  ctx.store.write.log.append({
    groupId: fields.groupId,
    sender: built.envelope.sender,
    seq,
    epoch: fields.epoch,
    type: fields.type,
    envelopeId: built.id,
    bytes: built.bytes,
    receivedAt: fields.sentAt,
  });
  queueToChannel(ctx, built, messageId === 'self' ? built.id : null);
  return built;
}
