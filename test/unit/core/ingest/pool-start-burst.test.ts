import { afterAll, describe, expect, it } from 'vitest';
import { CheckedSignatures } from '../../../../main/core/envelopes/checked-signatures.js';
import { acquireSignaturePool, type SignaturePool } from '../../../../main/core/envelopes/signature-pool.js';
import { POOL_MIN_BATCH, POOL_START_BATCH, ReceivedQueue, type Received } from '../../../../main/core/ingest/received-queue.js';

/**
 * A burst that arrives a few dozen frames a turn (the connection paces them) still waits for the
 * signature workers once it has grown past POOL_START_BATCH since their start was asked for, instead
 * of every tick's share being verified on the engine's thread while they start. This file's module
 * state is its own, so the pool here has not been started by any other test.
 */
describe('a paced burst and the starting pool', () => {
  let pool: SignaturePool | undefined;
  afterAll(() => pool?.release());

  it('writes the first ticks at once, then waits for the workers, and writes every envelope in order once they answered', async () => {
    pool = acquireSignaturePool();
    expect(pool.ready()).toBe(false);
    const written: number[] = [];
    const queue = new ReceivedQueue(pool, new CheckedSignatures(), (items) => {
      for (const r of items) written.push(r.bytes[0]! * 256 + r.bytes[1]!);
    });
    const tick = 4 * POOL_MIN_BATCH;
    const ticks = Math.ceil(POOL_START_BATCH / tick) + 2;
    let next = 0;
    const batch = (): Received[] =>
      Array.from({ length: tick }, () => {
        const n = next++;
        // Not envelopes: the pool finds no good pair in them, which is all this test needs of it.
        return { bytes: new Uint8Array([n >> 8, n & 255, 0, 0]), origin: 'test', resolve: () => undefined };
      });
    const waitingAfter: boolean[] = [];
    for (let i = 0; i < ticks; i++) {
      queue.add(batch());
      waitingAfter.push(queue.waiting());
    }
    // Ticks before the burst reached POOL_START_BATCH went straight to the table (nothing waits)...
    const firstWaiting = waitingAfter.indexOf(true);
    expect(firstWaiting).toBe(Math.ceil(POOL_START_BATCH / tick) - 1);
    expect(written).toHaveLength(firstWaiting * tick);
    // ...and from there on everything waits for the workers (a later tick never overtakes).
    expect(waitingAfter.slice(firstWaiting).every((w) => w)).toBe(true);
    await new Promise<void>((resolve) => {
      const poll = (): void => (queue.waiting() ? void setImmediate(poll) : resolve());
      poll();
    });
    expect(written).toEqual(Array.from({ length: ticks * tick }, (_, i) => i));
    expect(pool.ready()).toBe(true);
  }, 60_000);
});
