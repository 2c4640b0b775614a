import { describe, expect, it } from 'vitest';
import { ScrollKeeper, type ScrollViewport } from '../../../renderer/features/chat/scroll-keeper';
import { computeLayout, indexAt, scrollTopFor, visibleRange } from '../../../renderer/features/chat/virtual-layout';

const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => `k${i}`);
/** Items 0..n-1, each 100 px high unless measured otherwise. */
const layoutOf = (n: number, measured: Record<string, number> = {}) => computeLayout(keys(n), (k) => k, (k) => measured[k], 100);

/** A scrolling element's geometry, clamped as a browser clamps it. */
function viewport(contentHeight: number, clientHeight: number): ScrollViewport {
  let top = 0;
  return {
    get scrollTop() {
      return top;
    },
    set scrollTop(v: number) {
      top = Math.max(0, Math.min(v, contentHeight - clientHeight));
    },
    scrollHeight: contentHeight,
    clientHeight,
  };
}

describe('virtual list layout', () => {
  it('stacks items by measured height or the estimate, and finds the item at a height', () => {
    const layout = layoutOf(4, { k1: 50, k3: 10 });
    expect([...layout.offsets]).toEqual([0, 100, 150, 250, 260]);
    expect(layout.total).toBe(260);
    expect(layout.indexByKey.get('k2')).toBe(2);
    expect([-5, 0, 99, 100, 149, 150, 259, 5_000].map((y) => indexAt(layout, y))).toEqual([0, 0, 0, 1, 1, 2, 3, 3]);
    expect(indexAt(layoutOf(0), 10)).toBe(0);
  });

  it('renders the viewport plus the overscan, within the list', () => {
    const layout = layoutOf(100);
    expect(visibleRange(layout, 1_000, 500, 200)).toEqual({ start: 8, end: 18 });
    expect(visibleRange(layout, 0, 500, 900)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(layout, 9_800, 500, 900)).toEqual({ start: 89, end: 100 });
    expect(visibleRange(layoutOf(0), 0, 500, 900)).toEqual({ start: 0, end: 0 });
  });

  it('puts an item at the start, centre or end of the viewport', () => {
    const layout = layoutOf(10, { k5: 60 });
    expect(scrollTopFor(layout, 5, 'start', 0, 400)).toBe(492);
    expect(scrollTopFor(layout, 5, 'center', 0, 400)).toBe(500 - 170);
    expect(scrollTopFor(layout, 5, 'end', 40, 400)).toBe(540 + 60 - 400);
  });
});

describe('keeping the scroll position', () => {
  it('serves each scroll request once, and holds the requested item until the user scrolls', () => {
    const keeper = new ScrollKeeper();
    const el = viewport(10_000, 500);
    const layout = layoutOf(100);
    keeper.place(el, layout, 0, { key: 'k50', align: 'start', seq: 1 }, true);
    expect(el.scrollTop).toBe(4_992);
    expect(keeper.userScrolled(el)).toBe(false); // the list's own scroll event
    // Items above it get measured taller: the held item stays where it was put.
    const taller = layoutOf(100, { k0: 300 });
    keeper.place(el, taller, 0, { key: 'k50', align: 'start', seq: 1 }, true);
    expect(el.scrollTop).toBe(5_192);
    keeper.userScrolled(el);
    el.scrollTop = 1_000;
    expect(keeper.userScrolled(el)).toBe(true);
    keeper.sawPosition(el, true, 0);
    // The same request (same seq) is not served again; the anchor keeps the first visible item.
    keeper.anchor = { key: 'k8', delta: 20 };
    keeper.place(el, taller, 0, { key: 'k50', align: 'start', seq: 1 }, true);
    expect(el.scrollTop).toBe(300 + 700 + 20);
  });

  it('follows the end while at it, and reports leaving and reaching it', () => {
    const keeper = new ScrollKeeper();
    const atEnd: boolean[] = [];
    keeper.callbacks = { onAtEndChange: (v) => atEnd.push(v) };
    const el = viewport(5_000, 500);
    keeper.place(el, layoutOf(50), 0, { key: null, align: 'end', seq: 1 }, true);
    expect(el.scrollTop).toBe(4_500);
    const longer = viewport(6_000, 500);
    keeper.place(longer, layoutOf(60), 0, { key: null, align: 'end', seq: 1 }, true);
    expect(longer.scrollTop).toBe(5_500);
    longer.scrollTop = 2_000;
    keeper.sawPosition(longer, keeper.userScrolled(longer), 0);
    expect(atEnd).toEqual([false]);
    // Not following: a re-layout keeps the anchor instead of jumping to the end.
    keeper.anchor = { key: 'k20', delta: 0 };
    keeper.place(longer, layoutOf(60), 0, { key: null, align: 'end', seq: 1 }, true);
    expect(longer.scrollTop).toBe(2_000);
    keeper.place(longer, layoutOf(60), 0, { key: null, align: 'end', seq: 2 }, true);
    expect(longer.scrollTop).toBe(5_500);
    expect(atEnd).toEqual([false, true]);
  });
});
