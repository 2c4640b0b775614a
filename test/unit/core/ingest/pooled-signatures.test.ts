import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { CheckedSignatures } from '../../../../main/core/envelopes/checked-signatures.js';
import { readEnvelope } from '../../../../main/core/envelopes/envelope-reader.js';
import { acquireSignaturePool, type SignaturePool } from '../../../../main/core/envelopes/signature-pool.js';
import { POOL_MIN_BATCH, ReceivedQueue, type Received } from '../../../../main/core/ingest/received-queue.js';
import { forged, openSigned } from '../../../adversarial/attack-kit.js';
import { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { introduce, newUser, tempDir, userId } from '../../../helpers/test-engines.js';

/**
 * A burst of received envelopes has its signatures verified by the pool before it reaches the inbox
 * (issue 13). The pool can only spare work: forged envelopes in the burst are still refused.
 */
describe('pooled signature checks', () => {
  const dir = tempDir('kizuna-pool-');
  let alice: Engine;
  let bob: Engine;
  let carol: Engine;
  let groupId: string;
  let envelopes: Uint8Array[];
  let pool: SignaturePool;

  beforeAll(async () => {
    alice = (await newUser(dir.path, 'alice')).engine;
    bob = (await newUser(dir.path, 'bob')).engine;
    carol = (await newUser(dir.path, 'carol')).engine;
    introduce(alice, bob, carol);
    const net = new LoopbackNetwork();
    net.add(alice, bob, carol);
    groupId = (await alice.createGroup({ name: 'burst', members: [userId(bob), userId(carol)], mode: 'sealed' })).groupId;
    await net.settle();
    await bob.acceptInvitation(groupId);
    await carol.acceptInvitation(groupId);
    await net.settle();
    net.setOffline(bob, true);
    net.setOffline(carol, true);
    for (let i = 0; i < 2 * POOL_MIN_BATCH; i++) await alice.sendText(groupId, `burst ${i}`);
    envelopes = alice.outbox.due(100).filter((j) => j.type === 'MESSAGE').map((j) => j.bytes);
    // The workers are shared by the process: once this handle got an answer, bob's inbox finds them up.
    pool = acquireSignaturePool();
    await pool.check([envelopes[0]!]);
  }, 60_000);

  afterAll(async () => {
    pool?.release();
    for (const e of [alice, bob, carol]) await e?.close();
    dir.cleanup();
  });

  it('puts the good pairs of a burst into CheckedSignatures before writing it, in arrival order, and none of a forgery', async () => {
    const checked = new CheckedSignatures();
    const burst = envelopes.map((bytes, i) => (i % 5 === 2 ? forged(bytes) : bytes));
    const written: Uint8Array[] = [];
    const knownGood: boolean[] = [];
    const queue = new ReceivedQueue(pool, checked, (items) => {
      // At write time the pool has answered for the batch: its genuine envelopes are known good.
      for (const r of items) {
        written.push(r.bytes);
        knownGood.push(checked.has(readEnvelope(envelopes[burst.indexOf(r.bytes)]!).id, openSigned(r.bytes).signature));
      }
    });
    const received: Received[] = burst.map((bytes) => ({ bytes, origin: 'test', resolve: () => undefined }));
    expect(() => readEnvelope(burst[2]!)).toThrow();
    // readEnvelope above is not given `checked`: nothing but the pool adds to it here.
    queue.add(received);
    expect(queue.waiting()).toBe(true);
    expect(written).toEqual([]);
    await new Promise<void>((resolve) => {
      const poll = (): void => (queue.waiting() ? void setImmediate(poll) : resolve());
      poll();
    });
    expect(written).toEqual(burst);
    expect(knownGood).toEqual(burst.map((_, i) => i % 5 !== 2));
  });

  it('hands even a few envelopes to a pool that is already running (a busy inbox), and writes them once it answered', async () => {
    const checked = new CheckedSignatures();
    const few = envelopes.slice(0, 3);
    const knownGood: boolean[] = [];
    const queue = new ReceivedQueue(pool, checked, (items) => {
      for (const r of items) knownGood.push(checked.has(readEnvelope(r.bytes).id, openSigned(r.bytes).signature));
    });
    expect(pool.ready()).toBe(true);
    queue.add(few.map((bytes) => ({ bytes, origin: 'test', resolve: () => undefined })));
    expect(queue.waiting()).toBe(true);
    await new Promise<void>((resolve) => {
      const poll = (): void => (queue.waiting() ? void setImmediate(poll) : resolve());
      poll();
    });
    // Verified by the pool before they were written: nothing left for this thread to verify before an ack.
    expect(knownGood).toEqual([true, true, true]);
  });

  it('refuses the forged copies in a burst (bad signature) and stores every genuine envelope', async () => {
    // Each forgery comes just before its genuine envelope (after it, it would be a replay of a held id).
    const burst = envelopes.flatMap((bytes, i) => (i % 5 === 2 ? [forged(bytes), bytes] : [bytes]));
    const forgeries = burst.length - envelopes.length;
    const reasons: string[] = [];
    const off = bob.events.on('dropped', (d) => reasons.push(d.reason));
    await Promise.all(burst.map((bytes) => bob.receive(bytes)));
    await bob.inbox.idle();
    off();
    expect(reasons.filter((r) => r === 'envelope-bad-signature')).toHaveLength(forgeries);
    expect(forgeries).toBeGreaterThan(0);
    expect(bob.store.read.messages.count(Buffer.from(groupId, 'base64url'))).toBe(envelopes.length);
  });
});
