import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { CheckedSignatures } from '../../../../main/core/envelopes/checked-signatures.js';
import { buildEnvelope } from '../../../../main/core/envelopes/envelope-builder.js';
import { readEnvelope } from '../../../../main/core/envelopes/envelope-reader.js';
import { encodeWire } from '../../../../main/core/wire/wire-codec.js';
import { forged, openSigned } from '../../../adversarial/attack-kit.js';
import { outsiderKeys } from '../../../adversarial/hostile-world.js';

/** An envelope's signature is checked once per engine: a second read of the same envelope finds it here. */
describe('checked signatures', () => {
  beforeAll(async () => {
    await loadSodium();
  });

  const envelope = (): Uint8Array =>
    buildEnvelope(outsiderKeys(), { groupId: new Uint8Array(32), epoch: 0, type: 'HEARTBEAT', seq: 0, sentAt: 1, body: encodeWire('Heartbeat', { ownSeq: 0, have: [] }) }).bytes;

  it('keeps a good signature, so the same envelope is not verified again', () => {
    const checked = new CheckedSignatures();
    const bytes = envelope();
    const first = readEnvelope(bytes, { checked });
    expect(first.signatureChecked).toBe(true);
    expect(checked.has(first.id, openSigned(bytes).signature)).toBe(true);
    expect(readEnvelope(bytes, { checked }).id).toEqual(first.id);
  });

  it('never lets a forged copy (same id, another signature) through, and keeps nothing of it', () => {
    const checked = new CheckedSignatures();
    const bytes = envelope();
    const { id } = readEnvelope(bytes, { checked });
    const copy = forged(bytes);
    expect(() => readEnvelope(copy, { checked })).toThrow(expect.objectContaining({ code: 'ENVELOPE_BAD_SIGNATURE' }));
    expect(checked.has(id, openSigned(copy).signature)).toBe(false);
    // A forgery of an envelope never read before is refused the same way and not kept.
    const fresh = forged(envelope());
    expect(() => readEnvelope(fresh, { checked })).toThrow(expect.objectContaining({ code: 'ENVELOPE_BAD_SIGNATURE' }));
  });

  it('is bounded: past its capacity the oldest pair goes first', () => {
    const checked = new CheckedSignatures(2);
    const pairs = [envelope(), envelope(), envelope()].map((b) => ({ id: readEnvelope(b, { checked }).id, signature: openSigned(b).signature }));
    expect(pairs.map((p) => checked.has(p.id, p.signature))).toEqual([false, true, true]);
  });

  it('keeps and finds only pairs of an id and a signature of their proper lengths (the two are one key)', () => {
    const checked = new CheckedSignatures();
    const id = new Uint8Array(32).fill(1);
    const signature = new Uint8Array(64).fill(2);
    checked.add(id, signature);
    expect(checked.has(id, signature)).toBe(true);
    // The same 96 bytes cut elsewhere are another pair, never found as this one.
    const joined = new Uint8Array([...id, ...signature]);
    expect(checked.has(joined.subarray(0, 33), joined.subarray(33))).toBe(false);
    checked.add(joined.subarray(0, 31), joined.subarray(31));
    expect(checked.has(joined.subarray(0, 31), joined.subarray(31))).toBe(false);
  });
});
