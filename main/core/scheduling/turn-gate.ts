/**
 * One long turn per pass of the event loop (issue 13: the loop's p99 in a flood).
 *
 * The connection's frame turns (transport/turn-paced-queue.ts) and the inbox's turns (a budget of
 * ~15 ms of processing and its commit, or a turn of search indexing) each waited with their own
 * setImmediate, so one check phase ran them back to back: a pass of the loop held both, 30–55 ms in
 * the peer flood, and every timer, IPC message and socket read waited for all of it. Through the gate,
 * each pass runs at most one of them, in the order they asked; between them the loop reads sockets,
 * fires timers and runs the short immediates (storing a tick's envelopes, applying acks).
 *
 * Throughput is the same work in more passes; latency alone is unchanged: a lone turn still runs in
 * the very next pass.
 */

export interface TurnTicket {
  /** Gives up a turn not yet taken (a queue that stopped); a no-op once it ran. */
  cancel(): void;
}

/** What takes a turn of the loop: the shared gate, or a test's own that holds turns back. */
export interface TurnRequester {
  /** Runs `turn` in a later pass of the loop, the only gated turn of that pass. */
  request(turn: () => void): TurnTicket;
}

interface Waiting {
  readonly turn: () => void;
  state: 'waiting' | 'taken' | 'cancelled';
}

export class TurnGate implements TurnRequester {
  #waiting: Waiting[] = [];
  #head = 0;
  /** Waiting turns not cancelled. */
  #live = 0;
  #pass: NodeJS.Immediate | undefined;
  #running = false;

  /** Turns waiting for a pass of their own. */
  get length(): number {
    return this.#live;
  }

  /** Runs `turn` in a later pass of the loop (its check phase), the only gated turn of that pass. */
  request(turn: () => void): TurnTicket {
    const waiting: Waiting = { turn, state: 'waiting' };
    this.#waiting.push(waiting);
    this.#live += 1;
    // While a turn runs, the pass after it is scheduled when it ends (see #runOne).
    if (!this.#running) this.#pass ??= setImmediate(() => this.#runOne());
    return {
      cancel: () => {
        if (waiting.state !== 'waiting') return;
        waiting.state = 'cancelled';
        this.#live -= 1;
        // Nothing left to run: no immediate is left behind either (a stopped connection keeps nothing alive).
        if (this.#live === 0 && !this.#running && this.#pass !== undefined) {
          clearImmediate(this.#pass);
          this.#pass = undefined;
          this.#waiting = [];
          this.#head = 0;
        }
      },
    };
  }

  #runOne(): void {
    this.#pass = undefined;
    const next = this.#take();
    this.#running = true;
    try {
      next?.turn();
    } finally {
      this.#running = false;
      // Scheduled after the turn ran, so that whatever the turn itself set off with setImmediate runs
      // first, in the next pass, and the next gated turn only in the pass after it: one per pass.
      if (this.#live > 0) this.#pass = setImmediate(() => this.#runOne());
    }
  }

  /** The first waiting turn not cancelled, removed from the queue. */
  #take(): Waiting | undefined {
    let taken: Waiting | undefined;
    while (taken === undefined && this.#head < this.#waiting.length) {
      const w = this.#waiting[this.#head] as Waiting;
      this.#head += 1;
      if (w.state === 'waiting') taken = w;
    }
    if (taken !== undefined) {
      taken.state = 'taken';
      this.#live -= 1;
    }
    // The consumed front is cut off in batches (Array.shift is O(n)).
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head >= 1_024) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }
}

let shared: TurnGate | undefined;

/**
 * The gate of this thread's event loop: the connection and the engine of one process share it (the
 * loop is what they share). Created on first use, so importing this file runs nothing.
 */
export function loopTurnGate(): TurnGate {
  shared ??= new TurnGate();
  return shared;
}

/** Resolves in the pass of the loop that is this caller's gated turn (await it between turns of a long job). */
export function nextLoopTurn(gate: TurnRequester = loopTurnGate()): Promise<void> {
  return new Promise<void>((resolve) => gate.request(resolve));
}
