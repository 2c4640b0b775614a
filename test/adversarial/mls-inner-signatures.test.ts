import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CiphersuiteImpl } from 'ts-mls';
import type { Engine } from '../../main/core/engine/engine.js';
import { loadMlsSuite } from '../../main/core/crypto/mls/index.js';
import { acquireSignaturePool, type SignaturePool } from '../../main/core/envelopes/signature-pool.js';
import { INNER_SIGNATURE_INVALID, POOL_CHUNK } from '../../main/core/ingest/inner-signatures.js';
import { userId } from '../helpers/test-engines.js';
import { createWorld, joinedGroup, type TestWorld } from '../helpers/test-world.js';
import { queued, verdictOf } from './attack-kit.js';

/**
 * A member whose MLS inner signature does not hold (RFC 9420 §6.3.2: the receiver verifies the framed
 * content's signature): its envelope is validly signed outside, so only the inner check stands between
 * it and the chat. Since issue 13 that check runs after decryption, for a burst on the signature pool:
 * the content is still refused, alone or in the middle of a burst, and nothing of it is shown.
 */
describe('MLS inner signatures that do not hold', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;
  let probe: SignaturePool;

  /** bob's engine signs its MLS contents badly while `fn` runs (his outer envelope signature stays good). */
  async function signingBadly<T>(fn: () => Promise<T>): Promise<T> {
    const impl = (await loadMlsSuite()).impl as { signature: CiphersuiteImpl['signature'] };
    const good = impl.signature;
    impl.signature = {
      ...good,
      sign: async (key, message) => {
        const s = Uint8Array.from(await good.sign(key, message));
        s[0] = (s[0] ?? 0) ^ 0x01;
        return s;
      },
    };
    try {
      return await fn();
    } finally {
      impl.signature = good;
    }
  }

  const shown = (text: string): number => carol.latestMessages(g, 200).messages.filter((m) => m.text === text && m.sender === userId(bob)).length;

  beforeAll(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    g = await joinedGroup(world, alice, [bob, carol], 'mls');
    // bob's envelopes are taken from his outbox and handed to carol by the tests.
    world.net.setOffline(bob, true);
    probe = acquireSignaturePool();
    expect(await probe.checkMls([])).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    probe.release();
    await world.close();
  });

  it('a lone message is refused and never shown; the sender goes on from the next generation', async () => {
    await signingBadly(() => bob.sendText(g, 'badly signed'));
    const bad = queued(bob, 'MESSAGE');
    await bob.sendText(g, 'signed well');
    const good = queued(bob, 'MESSAGE');
    expect(await verdictOf(carol, bad)).toBe(INNER_SIGNATURE_INVALID);
    expect(await verdictOf(carol, good)).toBe('accepted');
    expect(shown('badly signed')).toBe(0);
    expect(shown('signed well')).toBe(1);
    // Its number is used up: the same envelope again is not taken either.
    expect(await verdictOf(carol, bad)).not.toBe('accepted');
    expect(shown('badly signed')).toBe(0);
  });

  it('in a burst verified on the pool, only the badly signed contents are refused', async () => {
    expect(probe.ready()).toBe(true);
    const n = POOL_CHUNK * 3;
    const bad = new Set([2, 11, n - 1]);
    const envelopes: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const text = `burst ${i}`;
      await (bad.has(i) ? signingBadly(() => bob.sendText(g, text)) : bob.sendText(g, text));
      envelopes.push(queued(bob, 'MESSAGE'));
    }
    const reasons: string[] = [];
    const off = carol.events.on('dropped', (d) => reasons.push(d.reason));
    // One tick: the burst reaches the inbox together, as from the network.
    await Promise.all(envelopes.map((bytes) => carol.receive(bytes)));
    await carol.inbox.idle();
    off();
    expect(reasons).toEqual([...bad].map(() => INNER_SIGNATURE_INVALID));
    for (let i = 0; i < n; i++) expect(shown(`burst ${i}`), `burst ${i}`).toBe(bad.has(i) ? 0 : 1);
  });
});
