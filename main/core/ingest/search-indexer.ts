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
 * batched, that is one in 128 (issue 13). Rows left pending are never out of a search's reach: every
 * search indexes what is pending before it queries (messages-table.ts `search`; 128 rows are ~1.5 ms),
 * and they stay in `search_pending` across restarts.
 *
 * 128, not 32: each index turn writes a segment, and merging the segments costs more than indexing.
 * 15,000 sealed messages fed at 1,000/s to an engine without a UI (its inbox idle between ticks), two
 * alternating runs each: with 32, 456–457 index turns and 29 merge steps, 311–370 ms in all; with 128,
 * 232–235 turns and 11–12 steps, 188–199 ms (the whole CPU per message, ~590–730 µs, is too noisy to
 * show the difference).
 */
export const SEARCH_IDLE_BATCH = 128;

/** The first index turn's rows, before a turn's cost is known; later turns follow SEARCH_TURN_BUDGET. */
export const INITIAL_ROWS_PER_TURN = 32;

/**
 * The inbox's time budget, with fewer rows at most. A row is cheap to index (~10–25 µs); while FTS5
 * still merged inside index commits (automerge, 0013 until 0016), the count grew to the inbox's 512 on
 * cheap turns, and a turn of 512 with a merge held the loop 93 ms in the peer flood (measured alone:
 * ~45 ms at 512 rows, ~36 at 128).
 */
export const SEARCH_TURN_BUDGET: TurnBudget = { ...DEFAULT_TURN_BUDGET, maxRows: 128 };

/**
 * Pages of segment merging per turn (FTS5 'merge'; each page read and written through the page
 * cipher): a step that merged took 6–10 ms in the peer flood (once 28, under load), inside the inbox's
 * turn budget; an index commit that merged took up to 31 ms there, ~90 ms in earlier runs.
 */
export const MERGE_PAGES_PER_TURN = 256;

/**
 * Index turns between looks for segments to merge. Each index turn adds one segment, and a merge takes
 * 16 of one level (migration 0016): looking after every index turn found nothing to do ~19 times in 20
 * in the peer flood (a turn and a transaction each).
 */
export const MERGE_CHECK_EVERY = 8;

/**
 * The inbox's search indexing (migration 0013, issue 13): stored messages wait in `search_pending`
 * and are indexed here, many per transaction (far cheaper than one by one in each small commit of a
 * burst), in turns of the event loop sized to the same time budget as the inbox's own. Each index turn
 * writes a segment of its own and merges nothing (migration 0016); turns of bounded merging of their own
 * then combine the segments until no level has enough of them to merge.
 */
export class SearchIndexer {
  /**
   * Starts small (INITIAL_ROWS_PER_TURN), the first turn's cost being unknown: a first turn of 256 rows, in a burst,
   * held the loop 70–90 ms in the peer flood (three times a run).
   */
  private rowsPerTurn = INITIAL_ROWS_PER_TURN;
  /**
   * Rows processed since the index last caught up (an upper bound on the messages they stored). A
   * previous run may have left rows pending: it starts at the idle batch, so the first idle indexes them.
   */
  private unindexed = SEARCH_IDLE_BATCH;
  /**
   * Segments index turns wrote since merging last found nothing to do; merging is due from
   * MERGE_CHECK_EVERY on (at start at once: whatever a previous run left), and goes on while it finds work.
   */
  private unmerged = MERGE_CHECK_EVERY;
  /** What the turn `due` asked for does. */
  private next: 'index' | 'merge' = 'index';

  constructor(private readonly ctx: EngineContext) {}

  /** The inbox processed `rows` rows (each may have stored a message). */
  noteProcessed(rows: number): void {
    this.unindexed += rows;
  }

  /**
   * Whether a turn of this comes before the next rows: indexing when the idle inbox has a batch's worth
   * or a burst left a long backlog; otherwise merging, once index turns wrote a few segments since
   * merging last had nothing to do (in a burst too, so the segments stay few).
   */
  due(rowsWaiting: boolean): boolean {
    if (this.unindexed >= (rowsWaiting ? SEARCH_BACKLOG : SEARCH_IDLE_BATCH)) this.next = 'index';
    else if (this.unmerged >= MERGE_CHECK_EVERY) this.next = 'merge';
    else return false;
    return true;
  }

  /**
   * The turn `due` asked for: of indexing (once it finds fewer rows than it asked for, the index has
   * caught up), or of merging segments.
   */
  turn(): void {
    if (this.next === 'merge') {
      this.mergeTurn();
      return;
    }
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
    if (indexed > 0) {
      this.rowsPerTurn = nextRowsPerTurn(limit, indexed, performance.now() - started, SEARCH_TURN_BUDGET);
      this.unmerged += 1;
    }
    // Still due while a full turn suggests more are pending (at least a batch's worth, so an idle inbox goes on).
    this.unindexed = indexed < limit ? 0 : Math.max(SEARCH_IDLE_BATCH, this.unindexed - indexed);
  }

  private mergeTurn(): void {
    try {
      const worked = this.ctx.store.transaction(() => this.ctx.store.write.messages.mergeSearchIndex(MERGE_PAGES_PER_TURN));
      if (!worked) this.unmerged = 0;
    } catch (err) {
      // Searches work on unmerged segments (only slower); tried again after the next index turns.
      this.ctx.log.warn('search index: segments not merged', { error: String(err) });
      this.unmerged = 0;
    }
  }
}
