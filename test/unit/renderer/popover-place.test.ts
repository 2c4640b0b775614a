import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placePopover, type Box } from '../../../renderer/features/chat/popover-place';

const bounds: Box = { left: 0, top: 0, right: 400, bottom: 600 };
const size = { width: 200, height: 100 };
const overlaps = (a: Box, b: Box): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const boxOf = (p: { left: number; top: number }): Box => ({ left: p.left, top: p.top, right: p.left + size.width, bottom: p.top + size.height });

describe('placing the read-by popover', () => {
  it('goes above a bubble with room above, right edges lined up', () => {
    const anchor = { left: 250, top: 400, right: 390, bottom: 440 };
    expect(placePopover(anchor, size, bounds)).toEqual({ left: 190, top: 294, side: 'above' });
  });

  it('goes below a bubble at the top of the list', () => {
    const anchor = { left: 250, top: 10, right: 390, bottom: 50 };
    expect(placePopover(anchor, size, bounds)).toEqual({ left: 190, top: 56, side: 'below' });
  });

  it('goes beside a bubble as tall as the list, on the side with room', () => {
    const anchor = { left: 250, top: 0, right: 390, bottom: 600 };
    expect(placePopover(anchor, size, bounds)).toEqual({ left: 44, top: 0, side: 'beside' });
  });

  it('is kept inside the list when nothing is free', () => {
    const anchor = { left: 0, top: 0, right: 400, bottom: 600 };
    const p = placePopover(anchor, size, bounds);
    expect(p.left).toBeGreaterThanOrEqual(0);
    expect(p.top).toBeGreaterThanOrEqual(0);
    expect(p.top + size.height).toBeLessThanOrEqual(600);
  });

  it('never covers its bubble when there is room anywhere around it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 380 }), fc.integer({ min: 0, max: 580 }), fc.integer({ min: 20, max: 400 }), fc.integer({ min: 20, max: 600 }), (x, y, w, h) => {
        const anchor = { left: x, top: y, right: Math.min(400, x + w), bottom: Math.min(600, y + h) };
        const free =
          anchor.top - 6 - size.height >= 0 ||
          anchor.bottom + 6 + size.height <= 600 ||
          Math.max(anchor.left, 400 - anchor.right) >= size.width + 6;
        const p = placePopover(anchor, size, bounds);
        if (free) expect(overlaps(boxOf(p), anchor)).toBe(false);
        expect(p.left).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
