import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import { readEnvelope, type VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { InboxRow } from '../store/tables/queue-tables.js';
import type { Envelope } from '../wire/wire-schemas.js';

/**
 * Decodes a batch (checking signatures, in every mode, except what a replay check already settles), and puts
 * each sender's sequenced envelopes in sequence order within the slots they occupy: history sync
 * may hand them over out of order, and MLS decrypts best in order.
 */
export function decodeInOrder(ctx: EngineContext, rows: InboxRow[]): { row: InboxRow; v?: VerifiedEnvelope; error?: unknown }[] {
  const out = rows.map((row) => {
    try {
      const waitedBefore = row.state === 'new' && row.attempts > 0;
      // The row that waits, woken, is no replay of its own WAITING entry: it is checked and decided again.
      let waitingHeld = false;
      const verify = (e: Envelope, id: Uint8Array): boolean => {
        if (!knownReplay(ctx, e, id)) return true;
        waitingHeld = waitedBefore && ctx.store.read.log.isWaiting(e.groupId, e.sender, e.seq, id);
        return waitingHeld;
      };
      const v = readEnvelope(row.bytes, { verify, checked: ctx.checkedSignatures });
      if (waitedBefore) v.deferredBefore = true;
      if (waitingHeld) v.waitingHeld = true;
      return { row, v };
    } catch (error) {
      return { row, error };
    }
  });
  const slots = new Map<string, number[]>();
  out.forEach((d, i) => {
    const e = d.v?.envelope;
    if (e === undefined || e.seq === 0) return;
    const k = `${toBase64Url(e.groupId)}|${toBase64Url(e.sender)}`;
    const held = slots.get(k);
    if (held === undefined) slots.set(k, [i]);
    else held.push(i);
  });
  for (const indices of slots.values()) {
    if (indices.length < 2) continue;
    const sorted = indices.map((i) => out[i]!).sort((a, b) => (a.v?.envelope.seq ?? 0) - (b.v?.envelope.seq ?? 0));
    indices.forEach((slot, j) => (out[slot] = sorted[j]!));
  }
  return out;
}

/** A sequenced envelope we already hold, byte for byte: a replay, settled without verifying it. */
function knownReplay(ctx: EngineContext, e: Envelope, id: Uint8Array): boolean {
  if (e.seq === 0) return false;
  const held = ctx.store.read.log.heldId(e.groupId, e.sender, e.seq);
  return held !== undefined && bytesEqual(held, id);
}
