import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { readEnvelope } from '../../../../main/core/envelopes/envelope-reader.js';
import { PAIR_BYTES, packLengthPrefixed, packMlsChecks } from '../../../../main/core/envelopes/signature-worker-protocol.js';
import { workerEntrySource } from '../../../../main/core/threads/worker-entry-source.js';
import { outsiderKeys } from '../../../adversarial/hostile-world.js';
import { signedHeartbeat, startLoneSignatureWorker, type LoneSignatureWorker } from '../../../helpers/signature-worker.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * The worker takes envelope batches only as one packing, and refuses a packing that does not unpack
 * as a whole: no pair from a batch it could not read, and an answer all the same (the pool's question
 * settles; the inbox verifies those envelopes on its own thread).
 */
describe('signature worker requests', () => {
  let worker: LoneSignatureWorker;
  let genuine: Uint8Array[] = [];
  let nextBatch = 0;
  beforeAll(async () => {
    await loadSodium();
    const source = workerEntrySource(new URL('../../../../main/core/envelopes/signature-pool.ts', import.meta.url).href, 'signature-worker-entry');
    worker = await startLoneSignatureWorker(source.filename, { eval: source.eval, execArgv: [] });
    const keys = outsiderKeys();
    genuine = [1, 2].map((sentAt) => signedHeartbeat(keys, sentAt));
  });
  afterAll(() => worker.end());

  /** Posts a packing of two genuine envelopes, `spoil`ed first, and returns the worker's reply. */
  const ask = (spoil: (packed: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>) => {
    const envelopes = spoil(packLengthPrefixed(genuine));
    return worker.ask({ batch: nextBatch++, envelopes }, [envelopes.buffer]);
  };

  it('answers the pairs of a well-formed packing', async () => {
    const reply = await ask((packed) => packed);
    if (reply.kind !== 'checked') throw new Error(`expected a checked reply, got ${reply.kind}`);
    expect(reply.good.byteLength).toBe(2 * PAIR_BYTES);
    expect(hex(reply.good.subarray(PAIR_BYTES, PAIR_BYTES + 32))).toBe(hex(readEnvelope(genuine[1]!).id));
  });

  it('refuses a packing whose last length runs past its end, not just that envelope: the first one is not confirmed either', async () => {
    const reply = await ask((packed) => {
      new DataView(packed.buffer).setUint32(4 + genuine[0]!.byteLength, genuine[1]!.byteLength + 1);
      return packed;
    });
    expect(reply).toEqual({ kind: 'refused', batch: nextBatch - 1 });
  });

  it('refuses a truncated packing whole', async () => {
    expect(await ask((packed) => packed.slice(0, packed.byteLength - 1))).toEqual({ kind: 'refused', batch: nextBatch - 1 });
    expect(await ask((packed) => packed.slice(0, packed.byteLength - genuine[1]!.byteLength - 2))).toEqual({ kind: 'refused', batch: nextBatch - 1 });
  });

  it('refuses envelopes posted one by one (the old form) and a broken MLS packing, and still answers after', async () => {
    expect(await worker.ask({ batch: nextBatch++, envelopes: genuine })).toEqual({ kind: 'refused', batch: nextBatch - 1 });
    const mls = packMlsChecks([{ publicKey: new Uint8Array(32), signature: new Uint8Array(64), message: new Uint8Array(8) }]).slice(0, 50);
    expect(await worker.ask({ batch: nextBatch++, mls }, [mls.buffer])).toEqual({ kind: 'refused', batch: nextBatch - 1 });
    expect((await ask((packed) => packed)).kind).toBe('checked');
  });
});
