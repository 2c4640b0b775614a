import type { Engine } from '../../main/core/engine/engine.js';
import type { SessionLayer } from '../../main/core/session/session-layer.js';

/**
 * Where the envelopes a throughput run lost went, so node drops can be told from our own bounds:
 * `not_received` were offered but never reached the receiver's transport (the node's, or the
 * publisher's, loss; other publishes, e.g. our own heartbeats echoed, make it an underestimate);
 * `transport_dropped` the receiver's transport refused (by reason); `engine_dropped` the engine
 * counted as dropped (admission, inbox verdicts, deferred bounds: by reason); `inbox_waiting` still
 * new or deferred in the inbox when the run ended.
 */
export interface LossAccount {
  not_received: number;
  transport_dropped: Record<string, number>;
  engine_dropped: Record<string, number>;
  inbox_waiting: number;
}

type EngineStats = ReturnType<Engine['stats']>;
type WireStats = ReturnType<SessionLayer['transportStats']>;

export function lossAccount(offered: number, before: EngineStats, after: EngineStats, wireBefore: WireStats, wireAfter: WireStats): LossAccount {
  const delta = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
  return {
    not_received: Math.max(0, offered - (wireAfter.received - wireBefore.received)),
    transport_dropped: delta(wireAfter.dropped, wireBefore.dropped),
    engine_dropped: delta(after.dropped, before.dropped),
    inbox_waiting: (after.inbox['new'] ?? 0) + (after.inbox['deferred'] ?? 0),
  };
}
