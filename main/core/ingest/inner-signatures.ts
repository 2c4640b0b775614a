import { verifyMlsSignature, type MlsSignatureCheck } from '../crypto/mls/index.js';
import type { SignaturePool } from '../envelopes/signature-pool.js';
import { nextLoopTurn } from '../scheduling/turn-gate.js';
import { refuseContent, type Verdict } from './verdict.js';

/**
 * MLS inner signatures of a batch of received messages (issue 13). ts-mls verifies the sender's
 * signature inside every decryption, on the engine's thread: an eighth to a fifth of MLS ingest.
 * Decryption now hands the signature back instead (decryptApplicationUnchecked), and a shown message's
 * verdict carries it. While the inbox decrypts the rest of a batch, the signature pool verifies the
 * first ones on another core, a chunk at a time; before the batch commits, whatever the pool did not
 * confirm (or answer in time) is verified here. A content whose signature does not hold is refused, its number used up,
 * before anything of it is written or shown.
 *
 * Why deciding after decryption is safe: the state the batch goes on from has used the message's key
 * whether or not its signature holds. The content handler has already checked that the message's MLS
 * sender is the envelope's signer (whose outer signature held) and that the associated data binds it
 * to that envelope, so only that member can have sent it, and a bad signature costs that member one of
 * its own generations and nothing of anyone else's. The group's lock is held until the batch commits,
 * so nothing else of the group (a send persisting the state) runs while its signatures are verified.
 */

/** Refusal reason of a content whose MLS inner signature does not verify. */
export const INNER_SIGNATURE_INVALID = 'mls-signature-invalid';

/**
 * Signatures per question to the pool. Fewer are verified on the engine's thread: a lone message (a
 * conversation, not a burst) must not wait a pass of the event loop for a worker's answer, and the
 * last chunk of a batch is the one the inbox waits for.
 */
export const POOL_CHUNK = 8;

type DoneVerdict = Extract<Verdict, { outcome: 'done' }>;

interface Pending {
  readonly d: { verdict: Verdict };
  readonly done: DoneVerdict;
  readonly check: MlsSignatureCheck;
}

/** One batch's inner signatures: noted as its envelopes are decided, settled before it commits. */
export class InnerSignatureChecks {
  private unasked: Pending[] = [];
  private asked: { items: Pending[]; confirmed?: boolean[] }[] = [];

  constructor(private readonly pool: SignaturePool | null) {}

  /** A decided envelope; a verdict that waits on an inner signature is checked (a full chunk goes to the pool now). */
  note(d: { verdict: Verdict }): void {
    if (d.verdict.outcome !== 'done' || d.verdict.signature === undefined) return;
    this.unasked.push({ d, done: d.verdict, check: d.verdict.signature });
    if (this.unasked.length < POOL_CHUNK || this.pool?.ready() !== true) return;
    const items = this.unasked;
    const answer = this.pool.checkMls(items.map((p) => p.check));
    if (answer === undefined) return; // the pool is gone: verified here when settled
    this.unasked = [];
    const chunk: { items: Pending[]; confirmed?: boolean[] } = { items };
    void answer.then((confirmed) => {
      chunk.confirmed = confirmed;
    });
    this.asked.push(chunk);
  }

  /**
   * Every noted verdict kept or refused (consumed). The pool only confirms: what it did not is verified
   * here, and so is a chunk it has not answered by then. The engine's thread never idles waiting for a
   * worker: it verifies the last few while the pool finishes, then waits for its next gated turn of the
   * loop (a worker's answer posted by then has been delivered; a waiting frame turn runs first).
   */
  async settle(): Promise<void> {
    const here = this.unasked;
    const asked = this.asked;
    this.unasked = [];
    this.asked = [];
    for (const p of here) settleOne(p, await verifyMlsSignature(p.check));
    if (asked.some((c) => c.confirmed === undefined)) await nextLoopTurn();
    for (const { items, confirmed } of asked) {
      for (const [i, p] of items.entries()) settleOne(p, confirmed?.[i] === true || (await verifyMlsSignature(p.check)));
    }
  }
}

function settleOne(p: Pending, holds: boolean): void {
  p.d.verdict = holds ? { ...p.done, signature: undefined } : refuseContent(INNER_SIGNATURE_INVALID);
}
