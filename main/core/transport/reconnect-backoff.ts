/**
 * Delays between reconnection attempts: exponential, capped, with jitter so that many clients that lost
 * the same node do not all knock on it again in the same millisecond.
 */

export interface BackoffOptions {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** Upper bound of any delay (before jitter). */
  maxDelayMs: number;
  /** Growth per failed attempt. */
  multiplier: number;
  /** Fraction (0..1) of each delay that is randomised: the delay is drawn from [d·(1−jitter), d]. */
  jitter: number;
}

const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  multiplier: 2,
  jitter: 0.5,
});

export class ReconnectBackoff {
  readonly #options: BackoffOptions;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    const merged = { ...DEFAULT_BACKOFF, ...options };
    if (!(merged.initialDelayMs >= 0) || !(merged.maxDelayMs >= merged.initialDelayMs)) {
      throw new RangeError('backoff needs 0 ≤ initialDelayMs ≤ maxDelayMs');
    }
    if (!(merged.multiplier >= 1)) throw new RangeError('backoff multiplier must be ≥ 1');
    if (!(merged.jitter >= 0 && merged.jitter <= 1)) throw new RangeError('backoff jitter must be within 0..1');
    this.#options = merged;
    this.#random = random;
  }

  /** Failed attempts since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay to wait before the next attempt; counts one more failed attempt. */
  next(): number {
    const { initialDelayMs, maxDelayMs, multiplier, jitter } = this.#options;
    const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** this.#attempt);
    this.#attempt += 1;
    return Math.round(base * (1 - jitter * this.#random()));
  }

  /** Call after a successful connection: the next failure starts from the initial delay again. */
  reset(): void {
    this.#attempt = 0;
  }
}
