import { z } from 'zod';
import type { MlsSignatureCheck } from '../crypto/mls/index.js';

/**
 * Messages between the engine's thread and a signature worker (signature-pool.ts). The worker is our
 * own code, but its replies still cross a thread boundary: they are parsed, and anything that does
 * not parse counts as "nothing verified" (the inbox then verifies on its own thread).
 */

/** To the worker: envelopes as received, to decode and verify exactly as `readEnvelope` does. */
export interface SignatureRequest {
  readonly batch: number;
  readonly envelopes: readonly Uint8Array[];
}

/** To the worker: MLS inner signatures to verify through OpenSSL, packed by packMlsChecks (one buffer, transferred). */
export interface MlsSignatureRequest {
  readonly batch: number;
  readonly mls: Uint8Array<ArrayBuffer>;
}

/**
 * Per check: key, signature and message lengths (4 bytes each), then the three. Four bytes for every
 * length: a leaf key comes from a group's tree, and a length cut to fit would shift every check after it.
 */
const CHECK_HEADER = 12;

/**
 * Checks packed end to end in a buffer of their own. Posting the arrays themselves would copy each
 * one's whole backing buffer (a leaf key can be a view into a decoded group state).
 */
export function packMlsChecks(checks: readonly MlsSignatureCheck[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const c of checks) size += CHECK_HEADER + c.publicKey.byteLength + c.signature.byteLength + c.message.byteLength;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const c of checks) {
    view.setUint32(at, c.publicKey.byteLength);
    view.setUint32(at + 4, c.signature.byteLength);
    view.setUint32(at + 8, c.message.byteLength);
    at += CHECK_HEADER;
    for (const part of [c.publicKey, c.signature, c.message]) {
      out.set(part, at);
      at += part.byteLength;
    }
  }
  return out;
}

/** The checks packMlsChecks packed, as views into `packed`; undefined if it is not such a buffer. */
export function unpackMlsChecks(packed: Uint8Array): MlsSignatureCheck[] | undefined {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const out: MlsSignatureCheck[] = [];
  let at = 0;
  while (at < packed.byteLength) {
    if (at + CHECK_HEADER > packed.byteLength) return undefined;
    const keyLength = view.getUint32(at);
    const signatureLength = view.getUint32(at + 4);
    const messageLength = view.getUint32(at + 8);
    const start = at + CHECK_HEADER;
    at = start + keyLength + signatureLength + messageLength;
    if (at > packed.byteLength) return undefined;
    out.push({
      publicKey: packed.subarray(start, start + keyLength),
      signature: packed.subarray(start + keyLength, start + keyLength + signatureLength),
      message: packed.subarray(start + keyLength + signatureLength, at),
    });
  }
  return out;
}

/** Length of one good result: the envelope id (32 bytes) followed by its signature (64 bytes). */
export const PAIR_BYTES = 32 + 64;

const bytes = z.instanceof(Uint8Array);

/**
 * From the worker: it is ready, the good (id, signature) pairs of a batch, packed end to end, or for
 * a batch of MLS signatures one byte each, 1 where the signature held.
 */
export const signatureReplySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready') }),
  z.object({ kind: z.literal('checked'), batch: z.number().int().nonnegative(), good: bytes.refine((b) => b.byteLength % PAIR_BYTES === 0) }),
  z.object({ kind: z.literal('mls-checked'), batch: z.number().int().nonnegative(), holds: bytes }),
]);
export type SignatureReply = z.infer<typeof signatureReplySchema>;

export const signatureRequestSchema = z.union([
  z.object({ batch: z.number().int().nonnegative(), envelopes: z.array(bytes) }),
  z.object({ batch: z.number().int().nonnegative(), mls: bytes }),
]);
