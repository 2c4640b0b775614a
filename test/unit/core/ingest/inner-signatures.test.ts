import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CiphersuiteImpl } from 'ts-mls';
import {
  decryptApplication,
  decryptApplicationUnchecked,
  encryptApplication,
  verifyMlsSignature,
  type MlsSignatureCheck,
  type MlsSuite,
} from '../../../../main/core/crypto/mls/index.js';
import { verifyEd25519 } from '../../../../main/core/crypto/mls/openssl-ed25519.js';
import { acquireSignaturePool, type SignaturePool } from '../../../../main/core/envelopes/signature-pool.js';
import { INNER_SIGNATURE_INVALID, InnerSignatureChecks, POOL_CHUNK } from '../../../../main/core/ingest/inner-signatures.js';
import { done, type Verdict } from '../../../../main/core/ingest/verdict.js';
import { expectKizunaError, makeGroup, read, text, type Member } from '../crypto/mls/mls-test-kit.js';

/** The same suite, except that every signature it makes is off by one bit (a sender that signs badly). */
function badlySigning(suite: MlsSuite): MlsSuite {
  const good = suite.impl.signature;
  const signature: CiphersuiteImpl['signature'] = {
    ...good,
    sign: async (key, message) => {
      const s = Uint8Array.from(await good.sign(key, message));
      s[0] = (s[0] ?? 0) ^ 0x01;
      return s;
    },
  };
  return { ...suite, impl: { ...suite.impl, signature } };
}

/**
 * MLS inner signatures are handed back by decryption and verified before a batch commits, on the
 * signature pool for a burst (issue 13). A content whose signature does not hold is refused however
 * it was verified; the pool can only confirm, never refuse.
 */
describe.each<'native' | 'webcrypto'>(['native', 'webcrypto'])('MLS inner signatures (%s provider receiving)', (provider) => {
  let sender: Member;
  let receiver: Member;

  beforeAll(async () => {
    const g = await makeGroup(['bob', 'carol'], { carol: provider });
    [sender, receiver] = g.members as [Member, Member];
  }, 60_000);

  /** `sender` encrypts `body` (signed badly if asked); `receiver` decrypts it unchecked. */
  async function received(body: string, badSignature = false): Promise<{ plaintext: string; check: MlsSignatureCheck }> {
    const sent = await encryptApplication(sender.state, text(body), text('aad'), badSignature ? badlySigning(sender.suite) : sender.suite);
    sender.state = sent.state;
    const got = await decryptApplicationUnchecked(receiver.state, sent.ciphertext, receiver.suite);
    receiver.state = got.state;
    return { plaintext: read(got.plaintext), check: got.signature };
  }

  it('hands back the signature it did not verify; it holds for a genuine message and not for a badly signed one', async () => {
    const genuine = await received('genuine');
    const bad = await received('badly signed', true);
    expect([genuine.plaintext, bad.plaintext]).toEqual(['genuine', 'badly signed']);
    // The signer is the sender's leaf key, which is its identity key.
    expect(Buffer.from(genuine.check.publicKey).equals(Buffer.from(sender.identity.publicKey))).toBe(true);
    expect(await verifyMlsSignature(genuine.check, receiver.suite)).toBe(true);
    expect(await verifyMlsSignature(bad.check, receiver.suite)).toBe(false);
    // What the workers run agrees with both providers.
    expect(verifyEd25519(genuine.check.publicKey, genuine.check.message, genuine.check.signature)).toBe(true);
    expect(verifyEd25519(bad.check.publicKey, bad.check.message, bad.check.signature)).toBe(false);
    // The ratchet went on past the badly signed message: the sender's next one decrypts.
    expect((await received('after')).plaintext).toBe('after');
  });

  it('decryptApplication still refuses a badly signed message and leaves the state as it was', async () => {
    const sent = await encryptApplication(sender.state, text('refused'), text('aad'), badlySigning(sender.suite));
    sender.state = sent.state;
    await expectKizunaError(decryptApplication(receiver.state, sent.ciphertext, receiver.suite), 'DECRYPT_FAILED');
    const next = await encryptApplication(sender.state, text('next'), text('aad'), sender.suite);
    sender.state = next.state;
    expect(read((await decryptApplication(receiver.state, next.ciphertext, receiver.suite)).plaintext)).toBe('next');
  });
});

describe('settling a batch', () => {
  let sender: Member;
  let receiver: Member;
  let pool: SignaturePool;

  beforeAll(async () => {
    const g = await makeGroup(['bob', 'carol']);
    [sender, receiver] = g.members as [Member, Member];
    pool = acquireSignaturePool();
    // The first question waits for a worker to start: from then on the pool is up.
    expect(await pool.checkMls([])).toEqual([]);
    expect(pool.ready()).toBe(true);
  }, 60_000);
  afterAll(() => pool.release());

  async function checks(n: number, bad: Set<number>): Promise<MlsSignatureCheck[]> {
    const out: MlsSignatureCheck[] = [];
    for (let i = 0; i < n; i++) {
      const sent = await encryptApplication(sender.state, text(`m${i}`), text('aad'), bad.has(i) ? badlySigning(sender.suite) : sender.suite);
      sender.state = sent.state;
      const got = await decryptApplicationUnchecked(receiver.state, sent.ciphertext, receiver.suite);
      receiver.state = got.state;
      out.push(got.signature);
    }
    return out;
  }

  /** A shown message's verdict waiting on `check`, with a write that records that it ran. */
  const waiting = (check: MlsSignatureCheck, wrote: number[], i: number): { verdict: Verdict } => ({
    verdict: { outcome: 'done', write: () => wrote.push(i), signature: check },
  });

  /** What the inbox does with a batch: each decided envelope noted as it is decided, all settled before the commit. */
  async function settle(decided: { verdict: Verdict }[], pool: SignaturePool | null): Promise<void> {
    const checks = new InnerSignatureChecks(pool);
    for (const d of decided) checks.note(d);
    await checks.settle();
  }

  /** A pool handle that counts the questions it passes on (the real workers answer them). */
  function counting(inner: SignaturePool): { pool: SignaturePool; asked: number[] } {
    const asked: number[] = [];
    return { asked, pool: { ...inner, checkMls: (c) => (asked.push(c.length), inner.checkMls(c)) } };
  }

  it('a burst goes to the pool a chunk at a time; the badly signed content is refused, consumed, and nothing of it is written', async () => {
    const n = POOL_CHUNK * 2 + 3;
    const bad = new Set([3, POOL_CHUNK + 1, n - 1]);
    const wrote: number[] = [];
    const decided = (await checks(n, bad)).map((c, i) => waiting(c, wrote, i));
    const { pool: spy, asked } = counting(pool);
    await settle(decided, spy);
    // Two full chunks went to the pool; the last three were verified here.
    expect(asked).toEqual([POOL_CHUNK, POOL_CHUNK]);
    decided.forEach((d, i) => {
      if (bad.has(i)) expect(d.verdict).toEqual({ outcome: 'drop', reason: INNER_SIGNATURE_INVALID, consumed: true });
      else expect(d.verdict).toMatchObject({ outcome: 'done', signature: undefined });
    });
    for (const d of decided) if (d.verdict.outcome === 'done') d.verdict.write?.();
    expect(wrote).toEqual([...Array(n).keys()].filter((i) => !bad.has(i)));
  });

  it('a few are verified here, without asking the pool', async () => {
    const wrote: number[] = [];
    const decided = (await checks(POOL_CHUNK - 1, new Set([0]))).map((c, i) => waiting(c, wrote, i));
    const { pool: spy, asked } = counting(pool);
    await settle(decided, spy);
    expect(asked).toEqual([]);
    expect(decided.map((d) => d.verdict.outcome)).toEqual(['drop', ...Array(POOL_CHUNK - 2).fill('done')]);
  });

  it('a pool that confirms nothing (gone, or lying) refuses nothing good and lets nothing bad through', async () => {
    const n = POOL_CHUNK * 2;
    const decided = (await checks(n, new Set([5]))).map((c, i) => waiting(c, [], i));
    const asked: number[] = [];
    const silent: SignaturePool = { ...pool, checkMls: (c) => (asked.push(c.length), Promise.resolve(c.map(() => false))) };
    await settle(decided, silent);
    expect(asked).toEqual([POOL_CHUNK, POOL_CHUNK]);
    expect(decided.map((d) => d.verdict.outcome)).toEqual(decided.map((_, i) => (i === 5 ? 'drop' : 'done')));
  });

  it('verdicts without an inner signature are left as they are', async () => {
    const plain = { verdict: done() };
    const refused = { verdict: { outcome: 'drop', reason: 'replay' } as Verdict };
    await settle([plain, refused], pool);
    expect(plain.verdict).toEqual(done());
    expect(refused.verdict).toEqual({ outcome: 'drop', reason: 'replay' });
  });
});
