import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import { peekEnvelope, type PeekedEnvelope } from '../envelopes/envelope-reader.js';
import type { EngineContext } from '../kernel/engine-context.js';

/**
 * A received sequenced envelope we already hold, the same envelope bytes (its id) in our channel log,
 * is settled here, before the inbox: a sender re-publishes to its channel for members who have not
 * acked yet (every ack timeout, up to maxRetries), and each copy would otherwise cost every member
 * who has it an inbox write, a decode and a commit, only to be dropped as a replay by the inbox
 * (inbox-processor.ts, knownReplay/precheck). It is counted and reported as that same replay drop.
 * True means it is already stored durably: the caller may acknowledge it once its signature
 * verifies, exactly as after storing it (nothing is applied, so nothing is accepted that the slow
 * path would refuse).
 */
export function settleHeldReplay(ctx: EngineContext, bytes: Uint8Array): boolean {
  let e: PeekedEnvelope;
  try {
    e = peekEnvelope(bytes);
  } catch {
    return false;
  }
  if (e.seq === 0) return false;
  const held = ctx.store.read.log.heldId(e.groupId, e.sender, e.seq);
  if (held === undefined || !bytesEqual(held, e.id)) return false;
  ctx.store.write.log.countDrop('replay');
  ctx.events.emit('dropped', { reason: 'replay', groupId: toBase64Url(e.groupId), sender: toBase64Url(e.sender), type: e.type });
  return true;
}
