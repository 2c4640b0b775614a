import { isKizunaError } from '../../../shared/errors/kizuna-error.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { VerifiedEnvelope } from '../envelopes/envelope-reader.js';
import type { MlsSignatureCheck } from '../crypto/mls/index.js';

/**
 * What a handler decides about one envelope. `write` runs in the transaction that also marks the
 * inbox row, so an envelope's effects land exactly once; `after` runs once that committed (events,
 * follow-up work). `wake` re-queues the group's deferred envelopes (its state moved on).
 * A `consumed` drop refuses what a member validly signed and encrypted at a sequence number: the
 * content is refused, but the number is used up (logged as REFUSED), so no gap is left that catch-up
 * would ask the group to fill for ever, and a second envelope at that number is an equivocation.
 * A `done` with a `signature` holds only if that MLS inner signature verifies: the inbox verifies the
 * batch's before it commits (inner-signatures.ts) and refuses, consumed, each content whose does not.
 */
export type Verdict =
  | { outcome: 'done'; write?: () => void; after?: () => void; wake?: boolean; own?: boolean; signature?: MlsSignatureCheck }
  | { outcome: 'defer'; reason: string; after?: () => void; write?: () => void }
  | { outcome: 'drop'; reason: string; consumed?: boolean };

export type Handler = (ctx: EngineContext, v: VerifiedEnvelope) => Promise<Verdict>;

export const done = (write?: () => void, after?: () => void, wake = false): Verdict => ({ outcome: 'done', write, after, wake });
export const drop = (reason: string): Verdict => ({ outcome: 'drop', reason });
export const refuseContent = (reason: string): Verdict => ({ outcome: 'drop', reason, consumed: true });
export const defer = (reason: string, after?: () => void): Verdict => ({ outcome: 'defer', reason, after });

/** A stable, lower-case reason from whatever was thrown. */
export function reasonOf(err: unknown): string {
  if (isKizunaError(err)) return err.code.toLowerCase().replaceAll('_', '-');
  return 'internal';
}
