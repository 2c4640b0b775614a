/**
 * A signature worker (started by signature-pool.ts): decodes received envelopes and verifies their
 * Ed25519 signatures exactly as the inbox's `readEnvelope` does (`verifiedPair`), off the engine's thread, and
 * answers with the (id, signature) pairs that held. It keeps no state and sees nothing but bytes.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { loadSodium } from '../crypto/sodium.js';
import { kizunaProto } from '../wire/proto-root.js';
import { verifiedPair } from './envelope-reader.js';
import { PAIR_BYTES, signatureRequestSchema, type SignatureReply } from './signature-worker-protocol.js';

if (parentPort === null) throw new Error('signature-worker-entry must run in a worker thread');
const port: MessagePort = parentPort;
const post = (reply: SignatureReply): void => port.postMessage(reply);

function checkBatch(envelopes: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const good = new Uint8Array(envelopes.length * PAIR_BYTES);
  let at = 0;
  for (const bytes of envelopes) {
    try {
      const { id, signature } = verifiedPair(bytes);
      good.set(id, at);
      good.set(signature, at + 32);
      at += PAIR_BYTES;
    } catch {
      // Not decodable or not signed by its sender: no pair; the inbox refuses it on its own thread.
    }
  }
  return good.slice(0, at);
}

void loadSodium().then(() => {
  kizunaProto();
  port.on('message', (message: unknown) => {
    const parsed = signatureRequestSchema.safeParse(message);
    if (!parsed.success) return;
    post({ kind: 'checked', batch: parsed.data.batch, good: checkBatch(parsed.data.envelopes) });
  });
  post({ kind: 'ready' });
});
