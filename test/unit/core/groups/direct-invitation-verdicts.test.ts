import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { engineContextOf } from '../../../../main/core/engine/engine-internals.js';
import { fromBase64Url, toBase64Url } from '../../../../main/core/encoding/base64url.js';
import { waitingDirectInvitation } from '../../../../main/core/groups/direct-chat-merge.js';
import type { EngineContext } from '../../../../main/core/kernel/engine-context.js';
import { forged } from '../../../adversarial/attack-kit.js';
import { userId } from '../../../helpers/test-engines.js';
import { createWorld, type TestWorld } from '../../../helpers/test-world.js';

/**
 * Direct-chat reconciliation decides each pending invitation once (its verdict is kept by the stored
 * bytes' hash): the kept verdict must never outlive the bytes it was decided on. Bytes swapped in the
 * store for a forged copy, or a genuine invitation's bytes under another group, are judged afresh.
 */
describe('direct invitation verdicts follow the stored bytes', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine;
  let ctx: EngineContext;
  let bobsId: Uint8Array;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob] = world.engines as [Engine, Engine];
    ctx = engineContextOf(alice);
    bobsId = fromBase64Url(userId(bob)) as Uint8Array;
  });
  afterEach(() => world.close());

  const waiting = (): string | undefined => {
    const row = waitingDirectInvitation(ctx, bobsId, 'none');
    return row === undefined ? undefined : toBase64Url(row.groupId);
  };

  it('a row whose bytes were swapped for a forged copy is no direct invitation, and is again once restored', async () => {
    const d = await bob.createGroup({ name: '', members: [userId(alice)], mode: 'none', direct: true });
    await world.net.settle();
    expect(waiting()).toBe(d.groupId); // decided, and kept
    const row = ctx.store.read.invitations.get(fromBase64Url(d.groupId) as Uint8Array);
    if (row === undefined) throw new Error('no invitation stored');
    ctx.store.write.invitations.put({ ...row, inviteBytes: forged(row.inviteBytes) });
    expect(waiting()).toBeUndefined();
    ctx.store.write.invitations.put(row);
    expect(waiting()).toBe(d.groupId);
  });

  it("a genuine invitation's bytes under another group are not a direct invitation to that group", async () => {
    const d = await bob.createGroup({ name: '', members: [userId(alice)], mode: 'none', direct: true });
    await world.net.settle();
    expect(waiting()).toBe(d.groupId);
    const row = ctx.store.read.invitations.get(fromBase64Url(d.groupId) as Uint8Array);
    if (row === undefined) throw new Error('no invitation stored');
    // Newer than the genuine row: listed first, so it would be the answer if its verdict were taken over.
    const other = new Uint8Array(32).fill(7);
    ctx.store.write.invitations.put({ ...row, groupId: other, receivedAt: row.receivedAt + 1 });
    expect(waiting()).toBe(d.groupId);
    // And the other way round: the genuine row decided last pass, the impostor row gone, nothing else changes.
    ctx.store.write.invitations.setState(other, 'declined');
    expect(waiting()).toBe(d.groupId);
  });

  it('a non-direct invitation stays no direct invitation (a kept null verdict)', async () => {
    const g = await bob.createGroup({ name: 'group', members: [userId(alice), userId(world.engines[2] as Engine)], mode: 'none' });
    await world.net.settle();
    expect(alice.listInvitations().map((i) => i.groupId)).toContain(g.groupId);
    expect(waiting()).toBeUndefined();
    expect(waiting()).toBeUndefined();
  });
});
