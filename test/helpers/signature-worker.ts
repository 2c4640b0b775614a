import { Worker, type WorkerOptions } from 'node:worker_threads';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { signatureReplySchema, type SignatureReply } from '../../main/core/envelopes/signature-worker-protocol.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';

/**
 * A signature worker without the pool around it, so a test can post requests the pool never would
 * (a malformed packing) and see the worker's own answer.
 */
export interface LoneSignatureWorker {
  /** Posts `request`, any shape (`transfer` moved, not copied), and waits for the reply to its batch. */
  ask<R extends { readonly batch: number }>(request: R, transfer?: ArrayBuffer[]): Promise<SignatureReply>;
  end(): Promise<void>;
}

/** Starts the worker at `filename` and resolves once it said it is ready; its replies must all parse. */
export async function startLoneSignatureWorker(filename: string | URL, options: WorkerOptions): Promise<LoneSignatureWorker> {
  const worker = new Worker(filename, options);
  const waiting = new Map<number, (reply: SignatureReply) => void>();
  await new Promise<void>((resolve, reject) => {
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the worker exited with ${code}`)));
    worker.on('message', (m: unknown) => {
      const reply = signatureReplySchema.parse(m);
      if (reply.kind === 'ready') resolve();
      else waiting.get(reply.batch)?.(reply);
    });
  });
  return {
    ask: (request, transfer = []) =>
      new Promise((resolve) => {
        waiting.set(request.batch, resolve);
        worker.postMessage(request, transfer);
      }),
    end: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

/** A genuine HEARTBEAT envelope signed with `keys`, distinct per `sentAt`. */
export function signedHeartbeat(keys: Parameters<typeof buildEnvelope>[0], sentAt: number): Uint8Array {
  return buildEnvelope(keys, { groupId: new Uint8Array(32).fill(7), epoch: 0, type: 'HEARTBEAT', seq: 0, sentAt, body: encodeWire('Heartbeat', { ownSeq: sentAt, have: [] }) }).bytes;
}
