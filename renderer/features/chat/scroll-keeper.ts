import { scrollTopFor, type VirtualLayout } from './virtual-layout';

/** What the keeper reads and moves: a scrolling element's geometry. */
export type ScrollViewport = Pick<HTMLElement, 'scrollTop' | 'scrollHeight' | 'clientHeight'>;

export interface ScrollRequestLike {
  /** null: the end of the list. */
  key: string | null;
  align: 'start' | 'center' | 'end';
  seq: number;
}

export interface ScrollCallbacks {
  onNearStart?: () => void;
  onNearEnd?: () => void;
  onAtEndChange?: (atEnd: boolean) => void;
}

/**
 * Where a virtual list's scroll position goes after each re-layout, and what its scrolling means:
 * a scroll request is served once (by its seq), an item it brought into view stays put while heights
 * settle (items above measured, images loaded) until the user scrolls, a list at its end follows new
 * items, and otherwise the first visible item keeps its place. No React: virtual-list.tsx holds one.
 */
export class ScrollKeeper {
  /** The first visible item and how far the viewport top is below its top edge. */
  anchor: { key: string; delta: number } | null = null;
  callbacks: ScrollCallbacks = {};
  private atEnd = true;
  private handledSeq = -1;
  private pinned: { key: string; align: ScrollRequestLike['align'] } | null = null;
  /** The scrollTop last set by the list itself, to tell its own scroll events from the user's. */
  private ownScrollTop: number | null = null;

  /** After a layout change: serve a request, else hold a requested item, else follow the end, else keep the anchor. */
  place(el: ScrollViewport, layout: VirtualLayout, pad: number, request: ScrollRequestLike, followEnd: boolean): void {
    if (request.seq !== this.handledSeq && (request.key === null || layout.indexByKey.has(request.key))) {
      this.handledSeq = request.seq;
      this.pinned = request.key === null ? null : { key: request.key, align: request.align };
      if (request.key === null) {
        this.setScrollTop(el, el.scrollHeight);
        this.setAtEnd(true);
      }
    }
    const pin = this.pinned === null ? undefined : layout.indexByKey.get(this.pinned.key);
    if (this.pinned !== null && pin !== undefined) {
      this.setScrollTop(el, scrollTopFor(layout, pin, this.pinned.align, pad, el.clientHeight));
    } else if (this.atEnd && followEnd) {
      this.setScrollTop(el, el.scrollHeight);
    } else if (this.anchor !== null) {
      const i = layout.indexByKey.get(this.anchor.key);
      if (i !== undefined) this.setScrollTop(el, pad + (layout.offsets[i] as number) + this.anchor.delta);
    }
  }

  /** A scroll event: true when the user made it (the list did not set that position itself); it releases a held item. */
  userScrolled(el: ScrollViewport | null): boolean {
    const byUser = el !== null && (this.ownScrollTop === null || Math.abs(el.scrollTop - this.ownScrollTop) > 2);
    if (byUser) this.pinned = null;
    this.ownScrollTop = null;
    return byUser;
  }

  /**
   * The position was read: tells whether the list is at its end (only the user takes it away from
   * there; a re-layout may leave it a few pixels short for a moment) and asks for more near an edge.
   */
  sawPosition(el: ScrollViewport, byUser: boolean, edgePx: number): void {
    const nowAtEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
    if (nowAtEnd !== this.atEnd && (byUser || nowAtEnd)) this.setAtEnd(nowAtEnd);
    if (el.scrollTop < edgePx) queueMicrotask(() => this.callbacks.onNearStart?.());
    if (el.scrollHeight - (el.scrollTop + el.clientHeight) < edgePx) queueMicrotask(() => this.callbacks.onNearEnd?.());
  }

  private setAtEnd(atEnd: boolean): void {
    if (atEnd === this.atEnd) return;
    this.atEnd = atEnd;
    this.callbacks.onAtEndChange?.(atEnd);
  }

  private setScrollTop(el: ScrollViewport, top: number): void {
    el.scrollTop = top;
    this.ownScrollTop = el.scrollTop;
  }
}
