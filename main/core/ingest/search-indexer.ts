import type { EngineContext } from '../kernel/engine-context.js';
import { DEFAULT_TURN_BUDGET, nextRowsPerTurn, type TurnBudget } from './turn-budget.js';

/**
 * Messages stored since the search index last caught up, past which a burst pauses for index turns.
 * Otherwise the index catches up when the inbox has nothing else to do; a search never waits for it.
 */
export const SEARCH_BACKLOG = 2_048;

/**
 * Rows an idle inbox lets wait before it indexes them. An inbox that goes idle after every message (a
 * conversation, a round trip) paid a transaction and an event-loop turn per message for one index row;
 * batched, that is one in 32 (issue 13). Rows left pending are never out of a search's reach: every
 * search indexes what is pending before it queries (messages-table.ts `search`), and they stay in
 * `search_pending` across restarts.
 */
export const SEARCH_IDLE_BATCH = 32;

/** The first index turn's rows, before a turn's cost is known (one idle batch). */
export const INITIAL_ROWS_PER_TURN = SEARCH_IDLE_BATCH;

/**
 * The inbox's time budget, with fewer rows at most. A row is cheap to index (~10–25 µs) until the
 * turn's commit completes a level of the index's segments and FTS5 merges it (automerge, 0013): the
 * count grew to the inbox's 512 on cheap turns, and a turn of 512 with a merge held the loop 93 ms in
 * the peer flood. Measured alone (30,000 messages), the longest turn was ~45 ms at 512 rows, ~36 at 128.
 */
export const SEARCH_TURN_BUDGET: TurnBudget = { ...DEFAULT_TURN_BUDGET, maxRows: 128 };

/**
 * The inbox's search indexing (migration 0013, issue 13): stored messages wait in `search_pending`
 * and are indexed here, many per transaction (far cheaper than one by one in each small commit of a
 * burst), in turns of the event loop sized to the same time budget as the inbox's own.
 */
export class SearchIndexer {
  /**
   * Starts at an idle batch, the first turn's cost being unknown: a first turn of 256 rows, in a burst,
   * held the loop 70–90 ms in the peer flood (three times a run).
   */
  private rowsPerTurn = INITIAL_ROWS_PER_TURN;
  /**
   * Rows processed since the index last caught up (an upper bound on the messages they stored). A
   * previous run may have left rows pending: it starts at the idle batch, so the first idle indexes them.
   */
  private unindexed = SEARCH_IDLE_BATCH;

  constructor(private readonly ctx: EngineContext) {}

  /** The inbox processed `rows` rows (each may have stored a message). */
  noteProcessed(rows: number): void {
    this.unindexed += rows;
  }

  /** Whether an index turn comes before the next rows: the idle inbox has a batch's worth, or a burst left a long backlog. */
  due(rowsWaiting: boolean): boolean {
    return this.unindexed >= (rowsWaiting ? SEARCH_BACKLOG : SEARCH_IDLE_BATCH);
  }

  /** One turn of indexing; once it finds fewer rows than it asked for, the index has caught up (not due). */
  turn(): void {
    const limit = this.rowsPerTurn;
    const started = performance.now();
    let indexed: number;
    try {
      indexed = this.ctx.store.transaction(() => this.ctx.store.write.messages.indexPendingSearch(limit));
    } catch (err) {
      // The rows stay pending (a search indexes them first); tried again after the next batch of rows.
      this.ctx.log.warn('search index: pending messages not indexed', { error: String(err) });
      this.unindexed = 0;
      return;
    }
    if (indexed > 0) this.rowsPerTurn = nextRowsPerTurn(limit, indexed, performance.now() - started, SEARCH_TURN_BUDGET);
    // Still due while a full turn suggests more are pending (at least a batch's worth, so an idle inbox goes on).
    this.unindexed = indexed < limit ? 0 : Math.max(SEARCH_IDLE_BATCH, this.unindexed - indexed);
  }
}
