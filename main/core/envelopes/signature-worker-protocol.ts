import { z } from 'zod';

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

/** Length of one good result: the envelope id (32 bytes) followed by its signature (64 bytes). */
export const PAIR_BYTES = 32 + 64;

const bytes = z.instanceof(Uint8Array);

/** From the worker: it is ready, or the good (id, signature) pairs of a batch, packed end to end. */
export const signatureReplySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready') }),
  z.object({ kind: z.literal('checked'), batch: z.number().int().nonnegative(), good: bytes.refine((b) => b.byteLength % PAIR_BYTES === 0) }),
]);
export type SignatureReply = z.infer<typeof signatureReplySchema>;

export const signatureRequestSchema = z.object({ batch: z.number().int().nonnegative(), envelopes: z.array(bytes) });
