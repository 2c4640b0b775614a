import { loopTurnGate, type TurnRequester, type TurnTicket } from '../scheduling/turn-gate.js';

/**
 * A FIFO that hands its items on at most `perTurn` per event-loop turn, in order. Each turn is one of
 * the loop's gated turns (scheduling/turn-gate.ts): a pass that hands on frames does not also run the
 * inbox's turn.
 *
 * grpc-js hands over every frame it has buffered in one run of callbacks (measured: up to 2,220 frames,
 * 563 ms without a turn for anything else), and whoever listens does its work inside that run. Paced
 * through this queue, timers, IPC and the engine's own turns get the loop between batches.
 *
 * Memory stays bounded by flow control: past `highMark` waiting items the source is paused, and it is
 * resumed once fewer than `lowMark` wait. The gap between the marks keeps pause/resume from flapping.
 */

export interface FlowControl {
  pause(): void;
  resume(): void;
}

export interface TurnPacedQueueOptions {
  readonly perTurn: number;
  readonly highMark: number;
  readonly lowMark: number;
  /** Whose passes the turns take; the thread's shared gate unless a test gives its own. */
  readonly gate?: TurnRequester;
}

export class TurnPacedQueue<T> {
  readonly #deliver: (item: T) => void;
  readonly #flow: FlowControl;
  readonly #options: TurnPacedQueueOptions;
  /** Items from #head on are waiting; the consumed front is cut off in batches (Array.shift is O(n)). */
  #items: T[] = [];
  #head = 0;
  readonly #gate: TurnRequester;
  #turn: TurnTicket | undefined;
  #paused = false;
  #stopped = false;

  constructor(deliver: (item: T) => void, flow: FlowControl, options: TurnPacedQueueOptions) {
    if (!(options.perTurn >= 1 && options.lowMark >= 0 && options.highMark > options.lowMark)) {
      throw new RangeError('a paced queue needs perTurn ≥ 1 and highMark > lowMark ≥ 0');
    }
    this.#deliver = deliver;
    this.#flow = flow;
    this.#options = options;
    this.#gate = options.gate ?? loopTurnGate();
  }

  /** Items waiting for their turn. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** True while the source is held back because too many items wait. */
  get paused(): boolean {
    return this.#paused;
  }

  push(item: T): void {
    if (this.#stopped) return;
    this.#items.push(item);
    this.#turn ??= this.#gate.request(() => this.#drain());
    if (!this.#paused && this.length > this.#options.highMark) {
      this.#paused = true;
      this.#flow.pause();
    }
  }

  /**
   * Drops what waits, cancels the pending turn and takes no more items. A paused source is resumed: its
   * end of stream (or error) comes only after what it still buffers was read.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#items = [];
    this.#head = 0;
    this.#turn?.cancel();
    this.#turn = undefined;
    if (this.#paused) {
      this.#paused = false;
      this.#flow.resume();
    }
  }

  #drain(): void {
    this.#turn = undefined;
    const end = Math.min(this.#items.length, this.#head + this.#options.perTurn);
    try {
      while (this.#head < end && !this.#stopped) {
        const item = this.#items[this.#head] as T;
        this.#head += 1;
        // A listener may stop the queue (it closed the connection): the loop condition sees it.
        this.#deliver(item);
      }
    } finally {
      // Also after a listener threw: that is its own bug to surface, and the items after it still go on.
      this.#afterTurn();
    }
  }

  #afterTurn(): void {
    if (this.#stopped) return;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else {
      if (this.#head >= 1_024) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      this.#turn = this.#gate.request(() => this.#drain());
    }
    if (this.#paused && this.length < this.#options.lowMark) {
      this.#paused = false;
      this.#flow.resume();
    }
  }
}
