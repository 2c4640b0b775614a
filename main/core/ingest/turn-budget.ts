/**
 * How many inbox rows one turn of the event loop takes on. What matters is time, not rows: IPC
 * replies and network reads wait behind a turn, so a turn should stay near a budget, while a turn
 * of many rows shares one transaction's cost among them (throughput). A fixed count cannot do both:
 * 256 rows held the loop ~100 ms at 5,000 messages/s on a 2-core machine, 64 cost a fifth of the
 * sustained throughput. Rows differ in cost (a commit or an MLS message is dearer than a sealed
 * one), so the count follows the measured cost per row.
 */
export interface TurnBudget {
  /** Wall time one turn aims at. */
  readonly targetMs: number;
  readonly minRows: number;
  readonly maxRows: number;
}

export const DEFAULT_TURN_BUDGET: TurnBudget = { targetMs: 15, minRows: 16, maxRows: 512 };

/**
 * The row count for the next turn, from the count just used and what processing `rows` rows took.
 * Moves halfway towards the count that would have met the target, so one dear row (a commit)
 * does not collapse the batch and one cheap turn does not balloon it.
 */
export function nextRowsPerTurn(current: number, rows: number, elapsedMs: number, budget: TurnBudget = DEFAULT_TURN_BUDGET): number {
  if (rows <= 0 || !Number.isFinite(elapsedMs)) return current;
  const perRow = Math.max(elapsedMs, 0.001) / rows;
  const ideal = budget.targetMs / perRow;
  const next = Math.round((current + ideal) / 2);
  return Math.min(budget.maxRows, Math.max(budget.minRows, next));
}
