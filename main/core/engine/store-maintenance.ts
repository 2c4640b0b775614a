import type { EngineContext } from '../kernel/engine-context.js';

/**
 * Keeps the queues from growing without end: processed inbox rows and finished outbox jobs go after
 * a day (the channel log keeps every envelope for history sync), the replay guard of unsequenced
 * envelopes after thirty days. Runs at open and then every hour.
 */
const DAY = 24 * 60 * 60 * 1000;
export const MAINTENANCE_EVERY_MS = 60 * 60 * 1000;

export function pruneQueues(ctx: EngineContext): void {
  const now = ctx.now();
  ctx.store.transaction(() => {
    ctx.store.write.queue.pruneInbox(now - DAY);
    ctx.store.write.queue.pruneOutbox(now - DAY);
    ctx.store.write.log.pruneSeen(now - 30 * DAY);
  });
}
