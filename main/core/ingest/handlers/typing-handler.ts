import { toBase64Url } from '../../encoding/base64url.js';
import { openBody } from '../../encryption/content-crypto.js';
import { ctxDeps } from '../../messages/message-send.js';
import { decodeWire } from '../../wire/wire-codec.js';
import { contentSchema, type Content } from '../../wire/wire-schemas.js';
import { checkSenderAtEpoch } from '../membership-check.js';
import { INNER_SIGNATURE_INVALID } from '../inner-signatures.js';
import { verifyMlsSignature } from '../../crypto/mls/index.js';
import { done, drop, type Handler } from '../verdict.js';

/** TYPING: ephemeral and never stored; stale ones (replayed, or late) are ignored. */
const TYPING_FRESH_MS = 30_000;

export const handleTyping: Handler = async (ctx, v) => {
  const e = v.envelope;
  if (Math.abs(ctx.now() - e.sentAt) > TYPING_FRESH_MS) return drop('typing-stale');
  const group = ctx.store.read.groups.get(e.groupId);
  if (group === undefined || group.myState !== 'joined') return drop('unknown-group');
  const bad = checkSenderAtEpoch(ctx, group, e);
  if (bad !== undefined) return bad.outcome === 'defer' ? drop('typing-stale') : bad;
  const opened = await openBody(ctxDeps(ctx), group, e);
  if (opened.kind !== 'ok') return drop(opened.reason);
  if (opened.signature !== undefined && !(await verifyMlsSignature(opened.signature))) return drop(INNER_SIGNATURE_INVALID);
  let content: Content;
  try {
    content = decodeWire('Content', contentSchema, opened.plaintext);
  } catch {
    return drop('content-malformed');
  }
  if (content.kind !== 'typing' || content.typing === undefined) return drop('content-malformed');
  const typing = content.typing.typing;
  return done(opened.persist, () =>
    ctx.events.emit('typing', { groupId: toBase64Url(e.groupId), userId: toBase64Url(e.sender), typing, at: e.sentAt }),
  );
};
