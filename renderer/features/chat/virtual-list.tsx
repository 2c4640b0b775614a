import { useCallback, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ScrollKeeper } from './scroll-keeper';
import { useItemHeights, useViewportHeight } from './use-item-heights';
import { computeLayout, indexAt, visibleRange } from './virtual-layout';

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
 * by a ResizeObserver (use-item-heights.ts), and the scroll position is anchored to the first
 * visible item, so adding older messages above, dropping far ones, or an image growing never moves
 * what the user reads. When the list sits at its end and `followEnd` is set, it stays at the end as
 * items arrive. The arithmetic is in virtual-layout.ts.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, keyOf, estimateHeight, renderItem, scrollRequest, followEnd, keepKey } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const { heightOf, version, measure } = useItemHeights(items, keyOf);
  const viewportHeight = useViewportHeight(scrollRef);
  const [range, setRange] = useState<{ start: number; end: number }>({ start: 0, end: 0 });
  const [scroll] = useState(() => new ScrollKeeper());
  scroll.callbacks = props;

  // `version`: the measured heights (kept in a ref) changed.
  const layout = useMemo(() => computeLayout(items, keyOf, heightOf, estimateHeight), [items, keyOf, heightOf, estimateHeight, version]);
  // Short chats sit at the bottom of the viewport, as in every messenger.
  const pad = Math.max(0, viewportHeight - layout.total);

  /**
   * Reads the scroll position: visible range, anchor, whether at the end, and edge paging. Only the
   * user's scrolling takes the list away from its end; a re-layout (new items measured, a burst of
   * live messages) can leave it a few pixels short for a moment and must not stop it following.
   */
  const observe = useCallback(
    (byUser: boolean) => {
      const el = scrollRef.current;
      if (el === null) return;
      const top = el.scrollTop - pad;
      const next = visibleRange(layout, top, el.clientHeight, OVERSCAN_PX);
      setRange((r) => (r.start === next.start && r.end === next.end ? r : next));
      const first = indexAt(layout, Math.max(0, top));
      scroll.anchor = items.length === 0 ? null : { key: keyOf(items[first] as T), delta: top - (layout.offsets[first] as number) };
      scroll.sawPosition(el, byUser, EDGE_PX);
    },
    [items, keyOf, layout, pad, scroll],
  );

  // After every layout change: serve a scroll request, else keep a requested item in place, else
  // stay at the end, else keep the first visible item where it was.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el === null) return;
    scroll.place(el, layout, pad, scrollRequest, followEnd);
    observe(false);
  }, [layout, pad, scrollRequest, followEnd, observe, scroll]);

  const indices: number[] = [];
  for (let i = range.start; i < Math.min(range.end, items.length); i++) indices.push(i);
  const kept = keepKey === undefined || keepKey === null ? undefined : layout.indexByKey.get(keepKey);
  if (kept !== undefined && (kept < range.start || kept >= range.end)) indices.push(kept);

  return (
    <div
      ref={scrollRef}
      className={props.className === undefined ? 'virtual-list' : `virtual-list ${props.className}`}
      onScroll={() => observe(scroll.userScrolled(scrollRef.current))}
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
            <div key={key} data-vkey={key} className="virtual-list-item" ref={measure} style={{ transform: `translateY(${pad + (layout.offsets[i] as number)}px)` }}>
              {renderItem(item, i)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
