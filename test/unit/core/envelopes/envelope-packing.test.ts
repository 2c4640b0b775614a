import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packLengthPrefixed, unpackLengthPrefixed } from '../../../../main/core/envelopes/signature-worker-protocol.js';

const asArrays = (parts: readonly Uint8Array[] | undefined): number[][] | undefined => parts?.map((p) => [...p]);

/** Received envelopes cross to a signature worker packed in one buffer of their own, each after its length (issue 13). */
describe('envelope packing', () => {
  it('unpacks what it packed, envelope for envelope, empty ones included', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }), (envelopes) => {
        expect(asArrays(unpackLengthPrefixed(packLengthPrefixed(envelopes)))).toEqual(asArrays(envelopes));
      }),
    );
    const empty = new Uint8Array(0);
    expect(asArrays(unpackLengthPrefixed(packLengthPrefixed([empty, Uint8Array.of(9), empty])))).toEqual([[], [9], []]);
    expect(unpackLengthPrefixed(packLengthPrefixed([]))).toEqual([]);
  });

  it('keeps an envelope over 65,535 bytes whole: the one after it stays where it is', () => {
    const long = new Uint8Array(70_000).fill(1);
    const next = Uint8Array.of(2, 3, 4);
    const back = unpackLengthPrefixed(packLengthPrefixed([long, next]));
    expect(back?.map((e) => e.byteLength)).toEqual([70_000, 3]);
    expect(back?.[0]?.every((b) => b === 1)).toBe(true);
    expect(asArrays(back?.slice(1))).toEqual([[2, 3, 4]]);
  });

  it('packs views into a buffer of their own: only the header and the bytes viewed, not what backs them', () => {
    const slab = new Uint8Array(1 << 20).fill(5);
    const packed = packLengthPrefixed([slab.subarray(1000, 1100), slab.subarray(0, 0)]);
    expect(packed.buffer.byteLength).toBe(4 + 100 + 4);
    slab.fill(6);
    expect(unpackLengthPrefixed(packed)?.[0]?.every((b) => b === 5)).toBe(true);
  });

  it('refuses a truncated packing whole, unless the cut fell between two envelopes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 6 }), fc.nat(), (envelopes, cut) => {
        const packed = packLengthPrefixed(envelopes);
        const at = cut % packed.byteLength;
        // Where each whole prefix of the batch ends: the only cuts that still read as a packing.
        const ends = envelopes.map((_, n) => envelopes.slice(0, n).reduce((size, e) => size + 4 + e.byteLength, 0));
        const whole = ends.indexOf(at);
        const back = unpackLengthPrefixed(packed.subarray(0, at));
        expect(asArrays(back)).toEqual(whole === -1 ? undefined : asArrays(envelopes.slice(0, whole)));
      }),
    );
  });

  it('refuses a packing whose length runs past its end, though the envelopes before it are whole', () => {
    const packed = packLengthPrefixed([Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5)]);
    const view = new DataView(packed.buffer);
    view.setUint32(6, 4);
    expect(unpackLengthPrefixed(packed)).toBeUndefined();
    view.setUint32(6, 0xffff_ffff);
    expect(unpackLengthPrefixed(packed)).toBeUndefined();
    // A packing seen through a view reads the view's bytes, not the rest of its buffer.
    const inside = new Uint8Array(20).fill(0xff);
    inside.set(packLengthPrefixed([Uint8Array.of(7)]), 3);
    expect(asArrays(unpackLengthPrefixed(inside.subarray(3, 8)))).toEqual([[7]]);
  });
});
