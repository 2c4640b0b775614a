/**
 * End-to-end liveness of one link. A node killed with SIGKILL on another host, a suspended laptop or a
 * node whose per-connection task died (it happens: see slim-wire.md) can leave a stream that looks open
 * but carries nothing. Every `intervalMs` the owner sends a small numbered probe that must come back through
 * the node (see the liveness link in slim-client.ts); if it has not come back within `timeoutMs`, the link
 * is declared dead.
 * Anything the main link reads meanwhile proves it alive too (`heard`, on arrival and again when a
 * frame's turn comes, since the connection hands frames on a few dozen per turn): under a flood the echo
 * queues behind thousands of publishes, or this thread is busy with them past the deadline, and a
 * probe that waits its turn is not a dead link (dropping it lost what the node had buffered for it:
 * the peer benchmark's throughput rows). The verdict is taken after the pending input was read
 * (setImmediate runs after the poll phase), never from a timer that fired before it.
 * Timers are unref'd: a probe never keeps a process alive on its own.
 */

export interface LivenessProbeOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export const DEFAULT_LIVENESS: Readonly<LivenessProbeOptions> = Object.freeze({ intervalMs: 5_000, timeoutMs: 4_000 });

export class LivenessProbe {
  readonly #options: LivenessProbeOptions;
  readonly #send: (sequence: number) => void;
  readonly #onDead: (waitedMs: number) => void;
  #interval: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #sequence = 0;
  #outstanding: number | undefined;
  #sent = 0;
  #lastRoundTripMs: number | undefined;
  #sentAt = 0;
  /** When the main link last delivered anything (a publish, a probe's echo). */
  #heardAt = 0;

  constructor(options: LivenessProbeOptions, send: (sequence: number) => void, onDead: (waitedMs: number) => void) {
    if (!(options.intervalMs > 0 && options.timeoutMs > 0)) throw new RangeError('liveness intervals must be positive');
    this.#options = options;
    this.#send = send;
    this.#onDead = onDead;
  }

  get sent(): number {
    return this.#sent;
  }

  get lastRoundTripMs(): number | undefined {
    return this.#lastRoundTripMs;
  }

  start(): void {
    if (this.#interval !== undefined) return;
    this.#interval = setInterval(() => this.#tick(), this.#options.intervalMs);
    this.#interval.unref();
  }

  /** Call for anything received on the main link: the link carries, so an outstanding probe may take longer. */
  heard(): void {
    this.#heardAt = Date.now();
  }

  /** Call when a probe came back; unknown or stale sequence numbers are ignored. */
  echo(sequence: number): void {
    if (sequence !== this.#outstanding) return;
    this.#outstanding = undefined;
    this.#lastRoundTripMs = Date.now() - this.#sentAt;
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  stop(): void {
    if (this.#interval !== undefined) clearInterval(this.#interval);
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#interval = undefined;
    this.#deadline = undefined;
    this.#outstanding = undefined;
  }

  #tick(): void {
    if (this.#outstanding !== undefined) return; // the deadline timer is already watching that one
    this.#sequence = (this.#sequence + 1) >>> 0;
    this.#outstanding = this.#sequence;
    this.#sentAt = Date.now();
    this.#sent += 1;
    this.#arm(this.#options.timeoutMs);
    try {
      this.#send(this.#sequence);
    } catch {
      // Sending failed because the link is closing; its own close handling takes over.
    }
  }

  /** The deadline of the outstanding probe, `ms` from now; when it passes, the link is judged once its pending input was read. */
  #arm(ms: number): void {
    const sequence = this.#outstanding;
    this.#deadline = setTimeout(() => {
      const check = setImmediate(() => {
        if (this.#outstanding !== sequence || sequence === undefined) return; // answered meanwhile, or stopped
        const quiet = Date.now() - Math.max(this.#heardAt, this.#sentAt);
        if (quiet < this.#options.timeoutMs) {
          this.#arm(this.#options.timeoutMs - quiet);
          return;
        }
        this.stop();
        this.#onDead(this.#options.timeoutMs);
      });
      check.unref();
    }, ms);
    this.#deadline.unref();
  }
}
