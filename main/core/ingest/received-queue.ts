import type { CheckedSignatures } from '../envelopes/checked-signatures.js';
import type { SignaturePool } from '../envelopes/signature-pool.js';

/** A received envelope waiting to be written to the inbox table; `resolve` once it is. */
export interface Received {
  bytes: Uint8Array;
  origin: string;
  resolve: () => void;
}

/**
 * From this many envelopes in one tick, a batch's signatures are verified by the pool first, starting
 * it if need be. Fewer are not worth starting threads for; once the pool is up they go to it as well:
 * an idle inbox takes a few envelopes by direct intake and never comes here, so what does is a busy
 * inbox's, whose rows wait their turn anyway. Written at once instead, each was verified on this thread
 * by the router before its ack (in the peer flood, with frames handed on 64 a turn, 344 ms in 12 s).
 */
export const POOL_MIN_BATCH = 16;
/**
 * A burst this large waits for the workers to start (the first one starts them): it keeps this
 * thread busy far longer than a start takes. A smaller one is verified here meanwhile. Counted over
 * the ticks since the start was asked for, not per tick: frames come a few dozen a turn (see
 * inbound-pacing.ts), and per tick no burst ever reached this, so a flood's first thousand and more
 * were verified here while the workers started. At 512 the router still verified ~1,300 envelopes of
 * the peer flood here (170 ms, in turns of 30–40 ms); at 128, a few turns' worth, none showed in the profile.
 */
export const POOL_START_BATCH = 128;
/** Envelopes per question to the pool: the first rows reach the inbox while later ones are verified. */
const POOL_CHUNK = 256;

/**
 * Received envelopes on their way into the inbox table, in arrival order. A burst is first handed to
 * the signature pool, whose good (id, signature) pairs go into the engine's CheckedSignatures before
 * the rows are written, so neither the router (acks) nor the inbox spends an Ed25519 verification on
 * this thread for them. The pool only adds pairs it verified: a forged envelope gets none and is
 * verified (and refused) by the inbox as before. A few envelopes while the pool is not running, or a
 * pool that cannot take them now, are written at once.
 */
export class ReceivedQueue {
  private readonly batches: { items: Received[]; answered: boolean }[] = [];
  /** Envelopes that came (of batches of at least POOL_MIN_BATCH) since the pool's start was asked for. */
  private sinceStart = 0;

  constructor(
    private readonly pool: SignaturePool | null,
    private readonly checked: CheckedSignatures,
    private readonly write: (items: Received[]) => unknown,
  ) {}

  /** A tick's received envelopes; written (one transaction per chunk) once their turn comes. */
  add(items: Received[]): void {
    if (items.length === 0) return;
    const pool = items.length >= POOL_MIN_BATCH || this.pool?.ready() === true ? this.pool : null;
    if (pool !== null && !pool.ready()) {
      pool.start();
      this.sinceStart += items.length;
    }
    const usePool = pool !== null && (pool.ready() || this.sinceStart >= POOL_START_BATCH);
    if (!usePool || !this.toPool(items)) this.batches.push({ items, answered: true });
    this.writeAnswered();
  }

  /** Whether envelopes are waiting for the pool's answer (the inbox is not idle then). */
  waiting(): boolean {
    return this.batches.length > 0;
  }

  /** Writes everything now, answered or not (closing: what was received was promised durable). */
  flush(): void {
    for (const b of this.batches.splice(0)) this.write(b.items);
  }

  /** Hands `items` to the pool in chunks; false (nothing queued) if the pool cannot take them now. */
  private toPool(items: Received[]): boolean {
    const chunks: { items: Received[]; answer: Promise<{ id: Uint8Array; signature: Uint8Array }[]> }[] = [];
    for (let i = 0; i < items.length; i += POOL_CHUNK) {
      const chunk = items.slice(i, i + POOL_CHUNK);
      const answer = this.pool?.check(chunk.map((r) => r.bytes));
      if (answer === undefined) {
        if (chunks.length === 0) return false;
        // The pool stopped taking questions part way: the rest goes unverified (the inbox verifies it).
        chunks.push({ items: items.slice(i), answer: Promise.resolve([]) });
        break;
      }
      chunks.push({ items: chunk, answer });
    }
    for (const { items: chunk, answer } of chunks) {
      const batch = { items: chunk, answered: false };
      this.batches.push(batch);
      void answer.then((pairs) => {
        for (const p of pairs) this.checked.add(p.id, p.signature);
        batch.answered = true;
        this.writeAnswered();
      });
    }
    return true;
  }

  /** Writes the answered batches at the head of the line (a later answer waits for an earlier one). */
  private writeAnswered(): void {
    while (this.batches[0]?.answered === true) this.write((this.batches.shift() as { items: Received[] }).items);
  }
}
