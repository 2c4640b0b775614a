/** A rectangle in viewport pixels (what getBoundingClientRect gives, reduced to what placing needs). */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface Placement {
  left: number;
  top: number;
  side: 'above' | 'below' | 'beside';
}

const GAP = 6;

/**
 * Where a popover of `size` goes so that it does not cover `anchor` (its message's bubble), inside
 * `bounds` (the visible part of the message list): above the bubble if it fits there, else below,
 * else beside it on the side with more room. Only when none fits does it overlap, clamped inside.
 * Horizontally it lines up with the bubble's right edge (our messages sit on the right).
 */
export function placePopover(anchor: Box, size: { width: number; height: number }, bounds: Box): Placement {
  const clampX = (x: number): number => Math.max(bounds.left, Math.min(x, bounds.right - size.width));
  const clampY = (y: number): number => Math.max(bounds.top, Math.min(y, bounds.bottom - size.height));
  const alignedX = clampX(anchor.right - size.width);
  if (anchor.top - GAP - size.height >= bounds.top) return { left: alignedX, top: anchor.top - GAP - size.height, side: 'above' };
  if (anchor.bottom + GAP + size.height <= bounds.bottom) return { left: alignedX, top: anchor.bottom + GAP, side: 'below' };
  const roomLeft = anchor.left - bounds.left;
  const roomRight = bounds.right - anchor.right;
  if (Math.max(roomLeft, roomRight) >= size.width + GAP) {
    const left = roomLeft >= roomRight ? anchor.left - GAP - size.width : anchor.right + GAP;
    return { left, top: clampY(anchor.top), side: 'beside' };
  }
  // Nowhere free: the side with more room, kept on screen.
  const above = anchor.top - bounds.top >= bounds.bottom - anchor.bottom;
  return { left: alignedX, top: clampY(above ? anchor.top - GAP - size.height : anchor.bottom + GAP), side: above ? 'above' : 'below' };
}
