import { describe, expect, it } from 'vitest';
import { createTypeahead, type TypeaheadTimer } from '../../../renderer/features/search/typeahead';

/** A timer the test fires by hand: the pause after typing is an event here, not a wait. */
function manualTimer(): TypeaheadTimer & { fire(): void; pending(): number } {
  const queue = new Map<number, () => void>();
  let next = 0;
  return {
    set: (fn) => {
      queue.set(++next, fn);
      return next;
    },
    clear: (h) => queue.delete(h as number),
    fire: () => {
      const fns = [...queue.values()];
      queue.clear();
      for (const fn of fns) fn();
    },
    pending: () => queue.size,
  };
}

/** Searches whose answers the test releases in any order. */
function controlledSearch() {
  const calls: { text: string; resolve: (r: string[]) => void; reject: (e: unknown) => void }[] = [];
  const run = (text: string): Promise<string[]> =>
    new Promise((resolve, reject) => {
      calls.push({ text, resolve, reject });
    });
  return { calls, run };
}

const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('search as you type', () => {
  it('waits for a pause in typing, then searches only the text typed last', () => {
    const timer = manualTimer();
    const s = controlledSearch();
    const t = createTypeahead({ delayMs: 200, run: s.run, show: () => undefined, fail: () => undefined, timer });
    t.type('東');
    t.type('東京');
    t.type('東京タ');
    expect(timer.pending()).toBe(1);
    timer.fire();
    expect(s.calls.map((c) => c.text)).toEqual(['東京タ']);
  });

  it('never lets a late answer to older text replace the answer to newer text', async () => {
    const timer = manualTimer();
    const s = controlledSearch();
    const shown: [string, string[]][] = [];
    const t = createTypeahead({ delayMs: 200, run: s.run, show: (text, r) => shown.push([text, r]), fail: () => undefined, timer });
    t.type('fo');
    timer.fire();
    t.type('fox');
    timer.fire();
    const [old, newer] = s.calls;
    newer?.resolve(['fox only']);
    await settled();
    old?.resolve(['fo and fox']);
    await settled();
    expect(shown).toEqual([['fox', ['fox only']]]);
  });

  it('drops answers still on their way when the text is cleared or the search closes', async () => {
    const timer = manualTimer();
    const s = controlledSearch();
    const shown: string[] = [];
    const failed: string[] = [];
    const t = createTypeahead({ delayMs: 200, run: s.run, show: (text) => shown.push(text), fail: (text) => failed.push(text), timer });
    t.type('needle');
    timer.fire();
    t.type('  ');
    expect(timer.pending()).toBe(0);
    s.calls[0]?.resolve(['x']);
    t.type('hay');
    timer.fire();
    t.stop();
    s.calls[1]?.reject(new Error('late'));
    t.type('bale');
    t.stop();
    expect(timer.pending()).toBe(0);
    await settled();
    expect(shown).toEqual([]);
    expect(failed).toEqual([]);
    expect(s.calls.map((c) => c.text)).toEqual(['needle', 'hay']);
  });

  it('reports the failure of the newest search', async () => {
    const timer = manualTimer();
    const s = controlledSearch();
    const failed: string[] = [];
    const t = createTypeahead({ delayMs: 200, run: s.run, show: () => undefined, fail: (text) => failed.push(text), timer });
    t.type('x');
    timer.fire();
    s.calls[0]?.reject(new Error('SEARCH_QUERY_INVALID'));
    await settled();
    expect(failed).toEqual(['x']);
  });
});
