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
    expect(packed.buffer.byteLength).toBe(8 + 32 + 64 + 100);
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
    expect(unpackMlsChecks(Uint8Array.from([0, 32, 0, 64, 0xff, 0xff, 0xff, 0xff]))).toBeUndefined();
  });
});
