/**
 * A signature worker (started by signature-pool.ts): decodes received envelopes and verifies their
 * Ed25519 signatures exactly as the inbox's `readEnvelope` does (`verifiedPair`), off the engine's thread, and
 * answers with the (id, signature) pairs that held; and MLS inner signatures (ingest/inner-signatures.ts).
 * It keeps nothing but imported verification keys and sees nothing but bytes.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { MlsSignatureCheck } from '../crypto/mls/index.js';
import { verifyEd25519 } from '../crypto/mls/openssl-ed25519.js';
import { loadSodium } from '../crypto/sodium.js';
import { kizunaProto } from '../wire/proto-root.js';
import { verifiedPair } from './envelope-reader.js';
import { PAIR_BYTES, refusedRequestSchema, signatureRequestSchema, type SignatureReply } from './signature-worker-protocol.js';

if (parentPort === null) throw new Error('signature-worker-entry must run in a worker thread');
const port: MessagePort = parentPort;
const post = (reply: SignatureReply): void => port.postMessage(reply);

/** Envelopes verified between two looks at the port: a chunk of 256 takes ~25 ms here, an MLS question waits at most this many. */
const SLICE = 16;

/** An envelope batch being verified, a slice at a time: its good pairs so far. */
interface EnvelopeWork {
  readonly batch: number;
  readonly envelopes: readonly Uint8Array[];
  readonly good: Uint8Array<ArrayBuffer>;
  next: number;
  at: number;
}

const queue: EnvelopeWork[] = [];
let scheduled = false;

/** Verifies the next slice of the oldest batch, answers it once done, and comes back after the port had its turn. */
function work(): void {
  scheduled = false;
  const w = queue[0];
  if (w === undefined) return;
  const end = Math.min(w.envelopes.length, w.next + SLICE);
  for (; w.next < end; w.next++) {
    try {
      const { id, signature } = verifiedPair(w.envelopes[w.next] as Uint8Array);
      w.good.set(id, w.at);
      w.good.set(signature, w.at + 32);
      w.at += PAIR_BYTES;
    } catch {
      // Not decodable or not signed by its sender: no pair; the inbox refuses it on its own thread.
    }
  }
  if (w.next === w.envelopes.length) {
    queue.shift();
    post({ kind: 'checked', batch: w.batch, good: w.good.slice(0, w.at) });
  }
  schedule();
}

function schedule(): void {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  setImmediate(work);
}

/** One byte per MLS signature: 1 where it held (verified as the native MLS provider does). */
function checkMls(checks: readonly MlsSignatureCheck[]): Uint8Array<ArrayBuffer> {
  const holds = new Uint8Array(checks.length);
  checks.forEach((c, i) => {
    holds[i] = verifyEd25519(c.publicKey, c.message, c.signature) ? 1 : 0;
  });
  return holds;
}

void loadSodium().then(() => {
  kizunaProto();
  port.on('message', (message: unknown) => {
    const parsed = signatureRequestSchema.safeParse(message);
    if (!parsed.success) {
      // Not a packed request, or a packing that does not unpack (truncated, a length past its end):
      // refused whole, none of it verified; answered so the pool's question settles, and the inbox
      // verifies the batch on its own thread.
      const refused = refusedRequestSchema.safeParse(message);
      if (refused.success) post({ kind: 'refused', batch: refused.data.batch });
      return;
    }
    const request = parsed.data;
    // MLS questions are answered at once: the inbox waits on them before it commits a batch, while a
    // burst's envelope checks only run ahead of the inbox; so those go a slice at a time, behind them.
    if ('mls' in request) post({ kind: 'mls-checked', batch: request.batch, holds: checkMls(request.mls) });
    else {
      queue.push({ batch: request.batch, envelopes: request.envelopes, good: new Uint8Array(request.envelopes.length * PAIR_BYTES), next: 0, at: 0 });
      schedule();
    }
  });
  post({ kind: 'ready' });
});
