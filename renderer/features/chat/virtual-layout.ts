/**
 * Where each item of a virtual list sits (pure arithmetic, unit-tested): items stack from y = 0 with
 * their measured height, or an estimate until measured.
 */
export interface VirtualLayout {
  /** offsets[i] is item i's top; offsets[n] is the total height. */
  offsets: Float64Array;
  indexByKey: Map<string, number>;
  total: number;
}

export function computeLayout<T>(items: readonly T[], keyOf: (item: T) => string, heightOf: (key: string) => number | undefined, estimate: number): VirtualLayout {
  const offsets = new Float64Array(items.length + 1);
  const indexByKey = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const key = keyOf(items[i] as T);
    indexByKey.set(key, i);
    offsets[i + 1] = (offsets[i] as number) + (heightOf(key) ?? estimate);
  }
  return { offsets, indexByKey, total: offsets[items.length] as number };
}

/** The largest index whose top is at or above y (0 for an empty list). */
export function indexAt(layout: VirtualLayout, y: number): number {
  const { offsets } = layout;
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((offsets[mid] as number) <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The items to render for a viewport [top, top + height), with `overscan` px beyond each edge: [start, end). */
export function visibleRange(layout: VirtualLayout, top: number, height: number, overscan: number): { start: number; end: number } {
  const n = layout.offsets.length - 1;
  if (n === 0) return { start: 0, end: 0 };
  return { start: Math.max(0, indexAt(layout, top - overscan)), end: Math.min(n, indexAt(layout, top + height + overscan) + 1) };
}

/** The scrollTop that shows item `index` at the start, centre or end of a viewport `clientHeight` high (`pad` above the first item). */
export function scrollTopFor(layout: VirtualLayout, index: number, align: 'start' | 'center' | 'end', pad: number, clientHeight: number): number {
  const top = pad + (layout.offsets[index] as number);
  const h = (layout.offsets[index + 1] as number) - (layout.offsets[index] as number);
  if (align === 'start') return top - 8;
  return align === 'center' ? top - (clientHeight - h) / 2 : top + h - clientHeight;
}
