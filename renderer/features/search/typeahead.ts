/**
 * Search as you type: each change of the text waits `delayMs` for the typing to pause, then asks;
 * only the answer to the newest text is shown. An answer to older text that arrives late (the core
 * was busy, the old query matched more) is dropped, so stale results never replace newer ones.
 */
export interface TypeaheadTimer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMER: TypeaheadTimer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface TypeaheadOptions<T> {
  delayMs: number;
  /** Runs the search for `text` (never blank). */
  run: (text: string) => Promise<T>;
  /** The newest text's answer. */
  show: (text: string, result: T) => void;
  /** The newest text's search failed. */
  fail: (text: string, error: unknown) => void;
  /** A search for `text` was started (after the pause). */
  started?: (text: string) => void;
  timer?: TypeaheadTimer;
}

export interface Typeahead {
  /** The text changed. Blank text starts nothing and makes every answer still on its way stale. */
  type(text: string): void;
  /** The search went away: nothing pending runs, no answer is shown. */
  stop(): void;
}

export function createTypeahead<T>(o: TypeaheadOptions<T>): Typeahead {
  const timer = o.timer ?? REAL_TIMER;
  let latest = 0;
  let pending: unknown;
  const cancelPending = (): void => {
    if (pending !== undefined) timer.clear(pending);
    pending = undefined;
  };
  return {
    type(text) {
      const ticket = ++latest;
      cancelPending();
      if (text.trim().length === 0) return;
      pending = timer.set(() => {
        pending = undefined;
        o.started?.(text);
        o.run(text).then(
          (result) => ticket === latest && o.show(text, result),
          (error: unknown) => ticket === latest && o.fail(text, error),
        );
      }, o.delayMs);
    },
    stop() {
      latest++;
      cancelPending();
    },
  };
}
