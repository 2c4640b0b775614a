import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';

export interface VirtualScrollRequest {
  /** null: the end of the list. */
  key: string | null;
  align: 'start' | 'center' | 'end';
  seq: number;
}

export interface VirtualListProps<T> {
  items: readonly T[];
  keyOf: (item: T) => string;
  /** Height assumed for an item until it has been measured. */
  estimateHeight: number;
  renderItem: (item: T, index: number) => ReactNode;
  scrollRequest: VirtualScrollRequest;
  /** Whether new items at the end should keep the list pinned to the end when it already is there. */
  followEnd: boolean;
  /** An item that must stay rendered (the focused one), even when scrolled out of view. */
  keepKey?: string | null;
  onNearStart?: () => void;
  onNearEnd?: () => void;
  onAtEndChange?: (atEnd: boolean) => void;
  className?: string;
  label: string;
  busy?: boolean;
  onKeyDown?: (e: React.KeyboardEvent<HTMLDivElement>) => void;
}

/** Pixels rendered beyond each edge of the viewport, and how close to an edge paging starts. */
const OVERSCAN_PX = 900;
const EDGE_PX = 1_200;

/**
 * A windowed list with measured, variable item heights, written for a chat: only the items near
 * the viewport are in the DOM (positioned by transform over one tall spacer), items are measured
 * by a ResizeObserver, and the scroll position is anchored to the first visible item, so adding
 * older messages above, dropping far ones, or an image growing never moves what the user reads.
 * When the list sits at its end and `followEnd` is set, it stays at the end as items arrive.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, keyOf, estimateHeight, renderItem, scrollRequest, followEnd, keepKey } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [measureVersion, setMeasureVersion] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(0);
  const [range, setRange] = useState<{ start: number; end: number }>({ start: 0, end: 0 });
  /** The first visible item and how far the viewport top is below its top edge. */
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const atEnd = useRef(true);
  const handledSeq = useRef(-1);
  /**
   * The item a scroll request brought into view: it stays where it was put while heights settle
   * (items above it measured, images loaded), until the user scrolls. `top` is the scrollTop last
   * set by the list itself, to tell its own scroll events from the user's.
   */
  const pinned = useRef<{ key: string; align: VirtualScrollRequest['align'] } | null>(null);
  const ownScrollTop = useRef<number | null>(null);
  const callbacks = useRef(props);
  callbacks.current = props;

  const layout = useMemo(() => {
    const offsets = new Float64Array(items.length + 1);
    const indexByKey = new Map<string, number>();
    for (let i = 0; i < items.length; i++) {
      const key = keyOf(items[i] as T);
      indexByKey.set(key, i);
      offsets[i + 1] = (offsets[i] as number) + (heights.current.get(key) ?? estimateHeight);
    }
    return { offsets, indexByKey, total: offsets[items.length] as number };
    // measureVersion: heights (a ref) changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items, keyOf, estimateHeight, measureVersion]);

  // Short chats sit at the bottom of the viewport, as in every messenger.
  const pad = Math.max(0, viewportHeight - layout.total);

  /** Largest index whose top is at or above y (list coordinates, padding excluded). */
  const indexAt = useCallback(
    (y: number): number => {
      const { offsets } = layout;
      let lo = 0;
      let hi = items.length - 1;
      if (hi < 0) return 0;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if ((offsets[mid] as number) <= y) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
    [layout, items.length],
  );

  /**
   * Reads the scroll position: visible range, anchor, whether at the end, and edge paging. Only the
   * user's scrolling takes the list away from its end; a re-layout (new items measured, a burst of
   * live messages) can leave it a few pixels short for a moment and must not stop it following.
   */
  const observe = useCallback((byUser: boolean) => {
    const el = scrollRef.current;
    if (el === null) return;
    const top = el.scrollTop - pad;
    const height = el.clientHeight;
    const n = items.length;
    const start = Math.max(0, indexAt(top - OVERSCAN_PX));
    const end = n === 0 ? 0 : Math.min(n, indexAt(top + height + OVERSCAN_PX) + 1);
    setRange((r) => (r.start === start && r.end === end ? r : { start, end }));
    if (n > 0) {
      const first = indexAt(Math.max(0, top));
      anchor.current = { key: keyOf(items[first] as T), delta: top - (layout.offsets[first] as number) };
    } else {
      anchor.current = null;
    }
    const nowAtEnd = el.scrollTop + height >= el.scrollHeight - 4;
    if (nowAtEnd !== atEnd.current && (byUser || nowAtEnd)) {
      atEnd.current = nowAtEnd;
      callbacks.current.onAtEndChange?.(nowAtEnd);
    }
    if (el.scrollTop < EDGE_PX) queueMicrotask(() => callbacks.current.onNearStart?.());
    if (el.scrollHeight - (el.scrollTop + height) < EDGE_PX) queueMicrotask(() => callbacks.current.onNearEnd?.());
  }, [indexAt, items, keyOf, layout, pad]);

  const setScrollTop = (el: HTMLDivElement, top: number): void => {
    el.scrollTop = top;
    ownScrollTop.current = el.scrollTop;
  };

  // After every layout change: serve a scroll request, else keep a requested item in place, else
  // stay at the end, else keep the first visible item where it was.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el === null) return;
    if (scrollRequest.seq !== handledSeq.current && (scrollRequest.key === null || layout.indexByKey.has(scrollRequest.key))) {
      handledSeq.current = scrollRequest.seq;
      pinned.current = scrollRequest.key === null ? null : { key: scrollRequest.key, align: scrollRequest.align };
      if (scrollRequest.key === null) {
        setScrollTop(el, el.scrollHeight);
        if (!atEnd.current) {
          atEnd.current = true;
          callbacks.current.onAtEndChange?.(true);
        }
      }
    }
    const pin = pinned.current === null ? undefined : layout.indexByKey.get(pinned.current.key);
    if (pinned.current !== null && pin !== undefined) {
      const top = pad + (layout.offsets[pin] as number);
      const h = (layout.offsets[pin + 1] as number) - (layout.offsets[pin] as number);
      const align = pinned.current.align;
      setScrollTop(el, align === 'start' ? top - 8 : align === 'center' ? top - (el.clientHeight - h) / 2 : top + h - el.clientHeight);
    } else if (atEnd.current && followEnd) {
      setScrollTop(el, el.scrollHeight);
    } else if (anchor.current !== null) {
      const i = layout.indexByKey.get(anchor.current.key);
      if (i !== undefined) setScrollTop(el, pad + (layout.offsets[i] as number) + anchor.current.delta);
    }
    observe(false);
  }, [layout, pad, scrollRequest, followEnd, observe]);

  const onScroll = (): void => {
    const el = scrollRef.current;
    // A scroll the list did not make itself is the user's: a requested item is no longer held.
    const byUser = el !== null && (ownScrollTop.current === null || Math.abs(el.scrollTop - ownScrollTop.current) > 2);
    if (byUser) pinned.current = null;
    ownScrollTop.current = null;
    observe(byUser);
  };

  // One observer measures every rendered item; a changed height re-lays out before the next paint.
  const [resizeObserver] = useState(
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
        if (changed) flushSync(() => setMeasureVersion((v) => v + 1));
      }),
  );
  useEffect(() => () => resizeObserver.disconnect(), [resizeObserver]);

  // The viewport's own size (window resized, panel opened).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setViewportHeight(el.clientHeight));
    ro.observe(el);
    setViewportHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // Forget heights of items no longer in the list, so the map does not grow with scrolling.
  useEffect(() => {
    if (heights.current.size <= items.length * 2 + 200) return;
    const keep = new Set(items.map(keyOf));
    for (const k of heights.current.keys()) if (!keep.has(k)) heights.current.delete(k);
  }, [items, keyOf]);

  const indices: number[] = [];
  for (let i = range.start; i < Math.min(range.end, items.length); i++) indices.push(i);
  const kept = keepKey === undefined || keepKey === null ? undefined : layout.indexByKey.get(keepKey);
  if (kept !== undefined && (kept < range.start || kept >= range.end)) indices.push(kept);

  return (
    <div
      ref={scrollRef}
      className={props.className === undefined ? 'virtual-list' : `virtual-list ${props.className}`}
      onScroll={onScroll}
      role="feed"
      aria-label={props.label}
      aria-busy={props.busy === true}
      tabIndex={0}
      onKeyDown={props.onKeyDown}
    >
      <div className="virtual-list-spacer" style={{ height: Math.max(layout.total, viewportHeight) }}>
        {indices.map((i) => {
          const item = items[i] as T;
          const key = keyOf(item);
          return (
            <div
              key={key}
              data-vkey={key}
              className="virtual-list-item"
              ref={(el) => {
                if (el === null) return;
                resizeObserver.observe(el);
                return () => resizeObserver.unobserve(el);
              }}
              style={{ transform: `translateY(${pad + (layout.offsets[i] as number)}px)` }}
            >
              {renderItem(item, i)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
