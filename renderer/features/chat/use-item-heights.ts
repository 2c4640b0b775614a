import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

/**
 * Measured heights of a virtual list's items, by key. One ResizeObserver measures every rendered item
 * (each carries its key in data-vkey); a changed height bumps `version` before the next paint, so
 * the layout is computed again. Heights of items long gone are forgotten, so the map does not grow
 * with scrolling.
 */
export function useItemHeights<T>(items: readonly T[], keyOf: (item: T) => string) {
  const heights = useRef(new Map<string, number>());
  const [version, setVersion] = useState(0);
  const [observer] = useState(
    () =>
      new ResizeObserver((entries) => {
        let changed = false;
        for (const entry of entries) {
          const key = (entry.target as HTMLElement).dataset.vkey;
          if (key === undefined) continue;
          const h = entry.borderBoxSize[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight;
          if (h > 0 && Math.abs((heights.current.get(key) ?? -1) - h) > 0.5) {
            heights.current.set(key, h);
            changed = true;
          }
        }
        if (changed) flushSync(() => setVersion((v) => v + 1));
      }),
  );
  useEffect(() => () => observer.disconnect(), [observer]);

  useEffect(() => {
    if (heights.current.size <= items.length * 2 + 200) return;
    const keep = new Set(items.map(keyOf));
    for (const k of heights.current.keys()) if (!keep.has(k)) heights.current.delete(k);
  }, [items, keyOf]);

  /** A ref callback for each rendered item: measured while it is in the DOM. */
  const measure = (el: HTMLElement | null): (() => void) | undefined => {
    if (el === null) return undefined;
    observer.observe(el);
    return () => observer.unobserve(el);
  };
  // Stable: the heights live in a ref, and `version` says when they changed.
  const heightOf = useCallback((key: string) => heights.current.get(key), []);
  return { heightOf, version, measure };
}

/** The element's own height, kept current (window resized, a panel opened). */
export function useViewportHeight(ref: RefObject<HTMLElement | null>): number {
  const [height, setHeight] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, [ref]);
  return height;
}
