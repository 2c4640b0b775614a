import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packMlsChecks, unpackMlsChecks } from '../../../../main/core/envelopes/signature-worker-protocol.js';

const check = fc.record({
  publicKey: fc.uint8Array({ maxLength: 40 }),
  signature: fc.uint8Array({ maxLength: 70 }),
  message: fc.uint8Array({ maxLength: 600 }),
});

/** MLS inner signatures cross to a signature worker packed in one buffer of their own (issue 13). */
describe('MLS check packing', () => {
  it('unpacks what it packed, field for field', () => {
    fc.assert(
      fc.property(fc.array(check, { maxLength: 12 }), (checks) => {
        const back = unpackMlsChecks(packMlsChecks(checks));
        expect(back?.map((c) => [...c.publicKey, -1, ...c.signature, -1, ...c.message])).toEqual(checks.map((c) => [...c.publicKey, -1, ...c.signature, -1, ...c.message]));
      }),
    );
  });

  it('copies views out of their backing buffers: the packing holds only the checks', () => {
    const state = new Uint8Array(1 << 20).fill(7);
    const packed = packMlsChecks([{ publicKey: state.subarray(100, 132), signature: state.subarray(0, 64), message: state.subarray(200, 300) }]);
    expect(packed.buffer.byteLength).toBe(12 + 32 + 64 + 100);
  });

  it('keeps a key longer than 65,535 bytes whole: the checks after it stay where they are', () => {
    const long = { publicKey: new Uint8Array(70_000).fill(1), signature: new Uint8Array(64).fill(2), message: new Uint8Array(10).fill(3) };
    const next = { publicKey: new Uint8Array(32).fill(4), signature: new Uint8Array(64).fill(5), message: new Uint8Array(5).fill(6) };
    const back = unpackMlsChecks(packMlsChecks([long, next]));
    expect(back?.map((c) => [c.publicKey.byteLength, c.signature.byteLength, c.message.byteLength])).toEqual([[70_000, 64, 10], [32, 64, 5]]);
    expect([...(back?.[1]?.publicKey ?? [])]).toEqual([...next.publicKey]);
  });

  it('refuses a truncated or overlong packing instead of reading past it', () => {
    fc.assert(
      fc.property(fc.array(check, { minLength: 1, maxLength: 6 }), fc.nat(), (checks, cut) => {
        const packed = packMlsChecks(checks);
        const at = cut % packed.byteLength;
        const truncated = packed.subarray(0, at);
        const back = unpackMlsChecks(truncated);
        // Either whole checks (a cut that fell between two) or nothing.
        if (back !== undefined) expect(back.length).toBeLessThan(checks.length);
      }),
    );
    expect(unpackMlsChecks(Uint8Array.from([0, 0, 0, 32, 0, 0, 0, 64, 0xff, 0xff, 0xff, 0xff]))).toBeUndefined();
  });
});
