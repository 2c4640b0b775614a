import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { toBase64Url } from '../../../../main/core/encoding/base64url.js';
import { buildEnvelope } from '../../../../main/core/envelopes/envelope-builder.js';
import { readEnvelope } from '../../../../main/core/envelopes/envelope-reader.js';
import { acquireSignaturePool, type SignaturePool } from '../../../../main/core/envelopes/signature-pool.js';
import { encodeWire } from '../../../../main/core/wire/wire-codec.js';
import { forged, openSigned, wrap } from '../../../adversarial/attack-kit.js';
import { outsiderKeys } from '../../../adversarial/hostile-world.js';

/**
 * The signature pool verifies on another thread exactly what `readEnvelope` verifies here: every
 * pair it answers is one the synchronous path accepts, and it answers every such pair.
 */
describe('signature pool', () => {
  let pool: SignaturePool;
  beforeAll(async () => {
    await loadSodium();
    pool = acquireSignaturePool();
  });
  afterAll(() => pool.release());

  let keys: ReturnType<typeof outsiderKeys>[] = [];
  beforeAll(() => {
    keys = [outsiderKeys(), outsiderKeys()];
  });
  const genuine = (k: number, sentAt: number, seq: number): Uint8Array =>
    buildEnvelope(keys[k % keys.length]!, {
      groupId: new Uint8Array(32).fill(k),
      epoch: 0,
      type: 'HEARTBEAT',
      seq: 0,
      sentAt,
      body: encodeWire('Heartbeat', { ownSeq: seq, have: [] }),
    }).bytes;

  /** What the synchronous path says: the (id, signature) key of an envelope it accepts, or nothing. */
  const syncVerdict = (bytes: Uint8Array): string | undefined => {
    try {
      const v = readEnvelope(bytes);
      return `${toBase64Url(v.id)}.${toBase64Url(openSigned(bytes).signature)}`;
    } catch {
      return undefined;
    }
  };

  // Genuine envelopes, and hostile variants of them: a flipped signature bit, a flipped bit anywhere
  // in the bytes, another signer's signature, a truncation, random bytes.
  const input = fc.tuple(fc.nat({ max: 7 }), fc.integer({ min: 1, max: 2 ** 40 }), fc.nat({ max: 1000 })).chain(([k, sentAt, seq]) => {
    const bytes = genuine(k, sentAt, seq);
    return fc.oneof(
      fc.constant(bytes),
      fc.constant(forged(bytes)),
      fc.nat({ max: bytes.byteLength * 8 - 1 }).map((bit) => {
        const copy = Uint8Array.from(bytes);
        copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        return copy;
      }),
      fc.constant(wrap(openSigned(bytes).envelopeBytes, openSigned(genuine(k + 1, sentAt, seq)).signature)),
      fc.nat({ max: bytes.byteLength - 1 }).map((n) => bytes.slice(0, n)),
      fc.uint8Array({ maxLength: 300 }),
    );
  });

  it('answers exactly the pairs the synchronous verify accepts, on good and forged input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: 1, maxLength: 40 }), async (envelopes) => {
        const answer = await pool.check(envelopes);
        expect(answer).toBeDefined();
        const fromPool = new Set((answer ?? []).map((p) => `${toBase64Url(p.id)}.${toBase64Url(p.signature)}`));
        const fromSync = new Set(envelopes.map(syncVerdict).filter((k): k is string => k !== undefined));
        expect(fromPool).toEqual(fromSync);
      }),
      { numRuns: Number(process.env['KIZUNA_FUZZ_RUNS'] ?? 60) },
    );
  });

  it('is ready once it answered, and answers nothing after release (the caller verifies itself)', async () => {
    const own = acquireSignaturePool();
    await own.check([genuine(0, 1, 1)]);
    expect(own.ready()).toBe(true);
    own.release();
    expect(own.check([genuine(0, 1, 1)])).toBeUndefined();
    expect(own.ready()).toBe(false);
  });
});
