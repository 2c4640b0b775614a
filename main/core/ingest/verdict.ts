import type { EngineContext } from '../kernel/engine-context.js';
import type { VerifiedEnvelope } from '../envelopes/envelope-reader.js';

/**
 * What a handler decides about one envelope. `write` runs in the transaction that also marks the
 * inbox row, so an envelope's effects land exactly once; `after` runs once that committed (events,
 * follow-up work). `wake` re-queues the group's deferred envelopes (its state moved on).
 */
export type Verdict =
  | { outcome: 'done'; write?: () => void; after?: () => void; wake?: boolean; own?: boolean }
  | { outcome: 'defer'; reason: string; after?: () => void; write?: () => void }
  | { outcome: 'drop'; reason: string };

export type Handler = (ctx: EngineContext, v: VerifiedEnvelope) => Promise<Verdict>;

export const done = (write?: () => void, after?: () => void, wake = false): Verdict => ({ outcome: 'done', write, after, wake });
export const drop = (reason: string): Verdict => ({ outcome: 'drop', reason });
export const defer = (reason: string, after?: () => void): Verdict => ({ outcome: 'defer', reason, after });
