import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeState } from '../../../../main/core/crypto/mls/index.js';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { engineContextOf } from '../../../../main/core/engine/engine-internals.js';
import { MlsStates } from '../../../../main/core/kernel/mls-states.js';
import { loopbackGroupOfThree } from '../../../helpers/loopback-group.js';
import type { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { newUser, tempDir } from '../../../helpers/test-engines.js';

/**
 * A send holds each MLS state it advances in memory and stores the last one in the transaction that
 * queues its envelopes (issue 13: one serialised state per send, not per body). What must hold: once
 * a send returns (its jobs are queued and may be published), the state stored on disk is the one the
 * sender encrypts from next, so a restart never uses a ratchet generation whose ciphertext left.
 */
describe('MLS state of a send', () => {
  let dir: ReturnType<typeof tempDir>;
  let alice: Engine, bob: Engine, carol: Engine;
  let net: LoopbackNetwork;
  let g: string;

  beforeEach(async () => {
    dir = tempDir();
    alice = (await newUser(dir.path, 'alice')).engine;
    bob = (await newUser(dir.path, 'bob')).engine;
    carol = (await newUser(dir.path, 'carol')).engine;
    ({ net, groupId: g } = await loopbackGroupOfThree(alice, bob, carol, 'mls'));
  });
  afterEach(async () => {
    for (const e of [alice, bob, carol]) await e.close();
    dir.cleanup();
  });

  /** The state as stored (a fresh cache over the same store) against the one in memory. */
  function storedMatchesMemory(engine: Engine): boolean {
    const ctx = engineContextOf(engine);
    const groupId = new Uint8Array(Buffer.from(g, 'base64url'));
    const fromDisk = new MlsStates(ctx.store, ctx.self).current(groupId);
    const inMemory = ctx.mlsStates.current(groupId);
    if (fromDisk === undefined || inMemory === undefined) return false;
    return fromDisk.epoch === inMemory.epoch && Buffer.from(serializeState(fromDisk.state)).equals(Buffer.from(serializeState(inMemory.state)));
  }

  it('stores the state the last body was encrypted with, in the send itself, for texts and many-chunk files', async () => {
    await alice.sendText(g, 'one');
    expect(storedMatchesMemory(alice)).toBe(true);
    // An offer and three chunks: four encryptions, each from the state the previous one left.
    const bytes = new Uint8Array(700 * 1024).map((_, i) => i % 253);
    const file = await alice.sendFile(g, { name: 'a.bin', mime: 'application/octet-stream', bytes });
    expect(storedMatchesMemory(alice)).toBe(true);
    await alice.sendText(g, 'two');
    await net.settle();
    // No generation was used twice: every body decrypts at both receivers.
    for (const e of [bob, carol]) {
      expect(e.latestMessages(g, 10, 'text').messages.map((m) => m.text)).toEqual(['one', 'two']);
      expect(Buffer.from(e.readFile(file.id).bytes).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});
