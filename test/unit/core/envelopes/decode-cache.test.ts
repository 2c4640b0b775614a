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

  it('decodes and hashes a received view once, however large the buffer it views', () => {
    // grpc-js hands frames over as views into buffers far larger than one envelope.
    const bytes = envelope();
    const big = new Uint8Array(64 * 1024);
    big.set(bytes, 1_000);
    const view = big.subarray(1_000, 1_000 + bytes.byteLength);
    const first = peekEnvelope(view);
    const again = readEnvelope(view);
    // The very same decoded fields and id object: nothing was decoded or hashed a second time.
    expect(again.id).toBe(first.id);
    expect(again.envelope.body).toBe(first.body);
    // The same bytes as another object (the inbox's stored row): decoded from its own bytes, to the same
    // envelope; the remembered result does not view the large buffer.
    const row = Uint8Array.from(view);
    const fromRow = peekEnvelope(row);
    expect(fromRow.id).toEqual(first.id);
    expect(fromRow.body).toEqual(first.body);
    expect(first.body.buffer).not.toBe(big.buffer);
  });

  it('decodes afresh bytes written to after they were read (a remembered result never answers for other content)', () => {
    const bytes = envelope();
    expect(readEnvelope(bytes).envelope.type).toBe('HEARTBEAT');
    // The signature is the last field: flipping its last byte keeps the encoding canonical.
    bytes[bytes.byteLength - 1] = (bytes[bytes.byteLength - 1] ?? 0) ^ 0x01;
    expect(() => readEnvelope(bytes)).toThrow(expect.objectContaining({ code: 'ENVELOPE_BAD_SIGNATURE' }));
    bytes[bytes.byteLength - 1] = (bytes[bytes.byteLength - 1] ?? 0) ^ 0x01;
    expect(readEnvelope(bytes).envelope.type).toBe('HEARTBEAT');
  });
});
