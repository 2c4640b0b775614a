import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { buildEnvelope } from '../../../../main/core/envelopes/envelope-builder.js';
import { peekEnvelope, readEnvelope } from '../../../../main/core/envelopes/envelope-reader.js';
import { encodeWire } from '../../../../main/core/wire/wire-codec.js';
import { forged, withUnknownField } from '../../../adversarial/attack-kit.js';
import { outsiderKeys } from '../../../adversarial/hostile-world.js';

/** Decoding is remembered by exact bytes: a later read of other bytes is decided afresh, never by a neighbour's result. */
describe('envelope decode cache', () => {
  beforeAll(async () => {
    await loadSodium();
  });

  const envelope = (): Uint8Array =>
    buildEnvelope(outsiderKeys(), { groupId: new Uint8Array(32), epoch: 0, type: 'HEARTBEAT', seq: 0, sentAt: 1, body: encodeWire('Heartbeat', { ownSeq: 0, have: [] }) }).bytes;

  it('gives the same envelope for the same bytes, and still refuses altered copies of bytes it decoded', () => {
    const bytes = envelope();
    const first = peekEnvelope(bytes);
    expect(readEnvelope(Uint8Array.from(bytes)).id).toEqual(first.id);
    expect(() => readEnvelope(withUnknownField(bytes))).toThrow(expect.objectContaining({ code: 'ENVELOPE_MALFORMED' }));
    expect(() => readEnvelope(forged(bytes))).toThrow(expect.objectContaining({ code: 'ENVELOPE_BAD_SIGNATURE' }));
    // The genuine bytes read again after the failures: decoded (and verified) as before.
    expect(readEnvelope(bytes).id).toEqual(first.id);
  });

  it('refuses bytes that did not decode every time (failures are not remembered as anything)', () => {
    const bad = withUnknownField(envelope());
    expect(() => peekEnvelope(bad)).toThrow();
    expect(() => peekEnvelope(bad)).toThrow();
  });
});
