import { z } from 'zod';
import type { MlsSignatureCheck } from '../crypto/mls/index.js';

/**
 * Messages between the engine's thread and a signature worker (signature-pool.ts). The worker is our
 * own code, but its replies still cross a thread boundary: they are parsed, and anything that does
 * not parse counts as "nothing verified" (the inbox then verifies on its own thread).
 */

/**
 * To the worker: envelopes as received, packed by packLengthPrefixed (one buffer, transferred), to
 * decode and verify exactly as `readEnvelope` does.
 */
export interface SignatureRequest {
  readonly batch: number;
  readonly envelopes: Uint8Array<ArrayBuffer>;
}

/** To the worker: MLS inner signatures to verify through OpenSSL, packed by packMlsChecks (one buffer, transferred). */
export interface MlsSignatureRequest {
  readonly batch: number;
  readonly mls: Uint8Array<ArrayBuffer>;
}

/**
 * Four bytes for every length: an envelope can pass 65,535 bytes and a leaf key comes from a group's
 * tree; a length cut to fit would shift every part after it.
 */
const LENGTH_BYTES = 4;

/**
 * Byte strings packed end to end in a buffer of their own, each after its length (big-endian).
 * Posting the arrays themselves would copy each one's whole backing buffer (a received envelope is
 * a view into a gRPC slab, a leaf key one into a decoded group state); this one is transferred.
 */
export function packLengthPrefixed(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const part of parts) size += LENGTH_BYTES + part.byteLength;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const part of parts) {
    view.setUint32(at, part.byteLength);
    out.set(part, at + LENGTH_BYTES);
    at += LENGTH_BYTES + part.byteLength;
  }
  return out;
}

/**
 * The parts packLengthPrefixed packed, as views into `packed`; undefined if it is not such a buffer
 * (cut inside a part, or a length running past its end): refused whole, never read as the parts
 * before the fault. No count is kept, so a cut between two parts reads as the parts before it; the
 * answers do not depend on it (pairs are keyed by id, an MLS answer of the wrong length confirms nothing).
 */
export function unpackLengthPrefixed(packed: Uint8Array): Uint8Array[] | undefined {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < packed.byteLength) {
    if (at + LENGTH_BYTES > packed.byteLength) return undefined;
    const start = at + LENGTH_BYTES;
    at = start + view.getUint32(at);
    if (at > packed.byteLength) return undefined;
    parts.push(packed.subarray(start, at));
  }
  return parts;
}

/** Each check as its key, signature and message, in that order (packLengthPrefixed). */
export function packMlsChecks(checks: readonly MlsSignatureCheck[]): Uint8Array<ArrayBuffer> {
  return packLengthPrefixed(checks.flatMap((c) => [c.publicKey, c.signature, c.message]));
}

/** The checks packMlsChecks packed, as views into `packed`; undefined if it is not such a buffer. */
export function unpackMlsChecks(packed: Uint8Array): MlsSignatureCheck[] | undefined {
  const parts = unpackLengthPrefixed(packed);
  if (parts === undefined || parts.length % 3 !== 0) return undefined;
  const checks: MlsSignatureCheck[] = [];
  for (let i = 0; i < parts.length; i += 3) {
    const [publicKey, signature, message] = parts.slice(i, i + 3) as [Uint8Array, Uint8Array, Uint8Array];
    checks.push({ publicKey, signature, message });
  }
  return checks;
}

/** Length of one good result: the envelope id (32 bytes) followed by its signature (64 bytes). */
export const PAIR_BYTES = 32 + 64;

const bytes = z.instanceof(Uint8Array);
const batch = z.number().int().nonnegative();

/**
 * From the worker: it is ready, the good (id, signature) pairs of a batch, packed end to end, or for
 * a batch of MLS signatures one byte each, 1 where the signature held; or that it refused a request
 * it could not read (nothing verified: answered all the same, so the question does not stay open).
 */
export const signatureReplySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready') }),
  z.object({ kind: z.literal('checked'), batch, good: bytes.refine((b) => b.byteLength % PAIR_BYTES === 0) }),
  z.object({ kind: z.literal('mls-checked'), batch, holds: bytes }),
  z.object({ kind: z.literal('refused'), batch }),
]);
export type SignatureReply = z.infer<typeof signatureReplySchema>;

/** A packed field, unpacked into views of its buffer; a packing that does not unpack fails the whole request. */
const packed = <T>(unpack: (b: Uint8Array) => T | undefined) =>
  bytes.transform((b, ctx): T => {
    const unpacked = unpack(b);
    if (unpacked !== undefined) return unpacked;
    ctx.addIssue({ code: 'custom', message: 'not a packing' });
    return z.NEVER;
  });

/** What a worker accepts: packed requests only (SignatureRequest, MlsSignatureRequest), unpacked. */
export const signatureRequestSchema = z.union([
  z.object({ batch, envelopes: packed(unpackLengthPrefixed) }),
  z.object({ batch, mls: packed(unpackMlsChecks) }),
]);

/** The batch of a request the worker refused, to answer it by. */
export const refusedRequestSchema = z.object({ batch });
