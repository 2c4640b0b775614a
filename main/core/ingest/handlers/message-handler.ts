import { toBase64Url } from '../../encoding/base64url.js';
import type { EngineContext } from '../../kernel/engine-context.js';
import { openBody } from '../../encryption/content-crypto.js';
import { requestMissingSecret } from '../../encryption/secret-handshake.js';
import { ctxDeps } from '../../messages/message-send.js';
import { SEQ_AHEAD_LIMIT, WAITING } from '../../store/tables/channel-log-table.js';
import type { GroupRow } from '../../store/tables/groups-table.js';
import { decodeWire } from '../../wire/wire-codec.js';
import { contentSchema, type Content, type Envelope } from '../../wire/wire-schemas.js';
import { batchCursor, batchGroup } from '../batch-reads.js';
import { checkSenderAtEpoch } from '../membership-check.js';
import { defer, done, drop, refuseContent, type Handler } from '../verdict.js';
import { applyContent } from './content-effects.js';
import { INNER_SIGNATURE_INVALID } from '../inner-signatures.js';
import { verifyMlsSignature, type MlsSignatureCheck } from '../../crypto/mls/index.js';


/**
 * MESSAGE: a member's encrypted content. Checked (group, state, epoch roster), decrypted in the
 * group's mode, then stored according to its kind. The sender is then known to have joined.
 */
export const handleMessage: Handler = async (ctx, v) => {
  const e = v.envelope;
  const group = batchGroup(ctx, e.groupId);
  if (group === undefined) return drop('unknown-group');
  if (group.myState === 'invited' || group.myState === 'joining') return defer('not-joined');
  if (group.myState === 'declined') return drop('not-joined');
  if (group.myState === 'closed' && closedBefore(ctx, group, e)) return drop('group-closed');
  const bad = checkSenderAtEpoch(ctx, group, e);
  if (bad !== undefined) return bad;
  // A sender's message far ahead of what we hold from them (it overtook a catch-up in progress, or
  // a member jumped its numbers by 2^31) notes no gap beyond SEQ_AHEAD_LIMIT: catch-up must not ask
  // for billions. MLS cannot ratchet that far forward, so there it waits (within the deferred
  // bounds) for the ones before it; in the other modes it is refused (`seq-far-ahead`): a genuine
  // one is served again by catch-up once what comes before it is in.
  const cursor = batchCursor(ctx, e.groupId, e.sender);
  if (e.seq > (cursor?.contiguous ?? 0) + SEQ_AHEAD_LIMIT) {
    if (group.mode === 'mls') return defer('far-ahead');
    // A sender we hold nothing from (we joined mid-stream): catch-up asks for the bounded gap, the
    // group's answer starts our cursor where our history starts, and this one applies then.
    if (cursor === undefined && v.signatureChecked) {
      return { outcome: 'defer', reason: 'far-ahead', write: () => ctx.store.write.log.noteHighest(e.groupId, e.sender, e.seq - 1) };
    }
    return drop('seq-far-ahead');
  }
  if (!v.signatureChecked) return drop('envelope-bad-signature');
  // A channel message has no recipient: the one envelope field outside the content's associated data.
  if (e.recipient.byteLength > 0) return drop('bad-recipient');
  // Decrypted before, then held back (its content had to wait): use that, MLS keys are single-use.
  const label = `held:${toBase64Url(v.id)}`;
  const heldSealed = v.deferredBefore === true ? ctx.store.read.log.heldPlaintext(v.id) : undefined;
  let plaintext: Uint8Array;
  let persist: () => void = () => undefined;
  // An MLS body's inner signature, not verified yet (content-crypto.ts): a shown message leaves it to
  // the batch's check before the commit; anything else verifies it here before it is decided.
  let signature: MlsSignatureCheck | undefined;
  if (heldSealed !== undefined) plaintext = ctx.store.cipher.open(label, heldSealed);
  else {
    const opened = await openBody(ctxDeps(ctx), group, e);
    if (opened.kind === 'defer') {
      return opened.reason === 'secret-missing' ? defer(opened.reason, () => requestMissingSecret(ctx, e.groupId, e.epoch)) : defer(opened.reason);
    }
    if (opened.kind === 'drop') return drop(opened.reason);
    plaintext = opened.plaintext;
    persist = opened.persist;
    signature = opened.signature;
  }
  const verifiedNow = async (): Promise<boolean> => {
    if (signature === undefined) return true;
    const holds = await verifyMlsSignature(signature);
    signature = undefined;
    return holds;
  };
  let content: Content;
  try {
    content = decodeWire('Content', contentSchema, plaintext);
  } catch {
    return refuseContent((await verifiedNow()) ? 'content-malformed' : INNER_SIGNATURE_INVALID);
  }
  // A file's chunk goes to disk while it is decided: only once its signature held.
  if (content.kind === 'fileChunk' && !(await verifiedNow())) return refuseContent(INNER_SIGNATURE_INVALID);
  const verdict = applyContent(ctx, e, v.id, content);
  // Refused content still used up its sequence number (the member signed and encrypted it).
  if (verdict.outcome === 'drop') return refuseContent((await verifiedNow()) ? verdict.reason : INNER_SIGNATURE_INVALID);
  // Held back with its plaintext: only a content whose signature held.
  if (verdict.outcome === 'defer' && !(await verifiedNow())) return refuseContent(INNER_SIGNATURE_INVALID);
  if (verdict.outcome === 'defer') {
    return {
      ...verdict,
      write: () => {
        persist();
        if (heldSealed === undefined) ctx.store.write.log.holdPlaintext(v.id, e.groupId, ctx.store.cipher.seal(label, plaintext), ctx.now());
        // Accepted, only its effect waits: held in the log (see WAITING), once.
        ctx.store.write.log.append({ groupId: e.groupId, sender: e.sender, seq: e.seq, epoch: e.epoch, type: WAITING, envelopeId: v.id, bytes: v.bytes, receivedAt: ctx.now() });
      },
    };
  }
  const decided = done(
    () => {
      persist();
      if (heldSealed !== undefined) ctx.store.write.log.releasePlaintext(v.id);
      markJoined(ctx, group.latestVersion, e.groupId, e.sender);
      verdict.write?.();
    },
    verdict.after,
    verdict.wake,
  );
  return signature === undefined ? decided : { ...decided, signature };
};

const knownJoined = new WeakMap<EngineContext, Set<string>>();

/** A member who sends is in: recorded once per (group version, member), not once per message. */
function markJoined(ctx: EngineContext, version: number, groupId: Uint8Array, member: Uint8Array): void {
  let seen = knownJoined.get(ctx);
  if (seen === undefined) {
    seen = new Set();
    knownJoined.set(ctx, seen);
  }
  const key = `${toBase64Url(groupId)}|${version}|${toBase64Url(member)}`;
  if (seen.has(key)) return;
  ctx.store.write.groups.setMemberStatus(groupId, member, 'joined');
  seen.add(key);
}

/**
 * Whether the message comes after what the closing version still lets in: the admin signed a cutoff
 * per sender (the run of their envelopes it verified). The sender's clock (`sentAt`) says nothing:
 * anyone can backdate. A closing without cutoffs (signed before they existed) lets nothing more in.
 */
function closedBefore(ctx: EngineContext, group: GroupRow, e: Envelope): boolean {
  const cutoff = ctx.store.read.groups.cutoff(group.groupId, e.sender);
  return cutoff === undefined || e.seq > cutoff;
}
