import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { latestVersion } from '../../main/core/groups/group-state.js';
import { signGroupVersion } from '../../main/core/groups/signed-group-version.js';
import { decodeWire, encodeWire } from '../../main/core/wire/wire-codec.js';
import { signedGroupVersionSchema, type SignedGroupVersion } from '../../main/core/wire/wire-schemas.js';
import { userId, waitForSameEpoch } from '../helpers/test-engines.js';
import { createWorld, joinedGroup, type TestWorld } from '../helpers/test-world.js';
import { openSigned, verdictOf } from './attack-kit.js';

/** What a version with cutoffs could change at a member: bob's messages there, his cutoff, the group's version and roster. */
function heldAt(e: Engine, g: string, bob: Engine) {
  const ctx = engineContextOf(e);
  const group = e.getGroup(g);
  return {
    bobs: e.latestMessages(g, 100).messages.filter((m) => m.sender === userId(bob)).map((m) => m.text).sort(),
    cutoff: ctx.store.read.groups.cutoff(fromBase64Url(g) as Uint8Array, fromBase64Url(userId(bob)) as Uint8Array) ?? null,
    version: group.version,
    epoch: group.epoch,
    members: group.members.map((m) => m.userId).sort(),
    unread: group.unreadCount,
  };
}

/** Counts `messages-retracted` at `e` from now; read it after a turn (the event comes on the turn after the commit). */
function retractions(e: Engine): () => Promise<number> {
  let n = 0;
  const off = e.events.on('messages-retracted', () => n++);
  return async () => {
    await new Promise((r) => setImmediate(r));
    off();
    return n;
  };
}

/** A GROUP_UPDATE body carrying one signed version (no secrets, no commit). */
function updateBody(signedBytes: Uint8Array): Uint8Array {
  const version: SignedGroupVersion = decodeWire('SignedGroupVersion', signedGroupVersionSchema, signedBytes);
  return encodeWire('GroupUpdate', { version, secrets: [], mlsCommit: new Uint8Array(0), mlsEpoch: 0, memberTokens: [] });
}

/**
 * Only the admin's next signed version sets cutoffs and retracts (docs/PROTOCOL.md, removal race). A
 * member who writes a removal with a cutoff herself, or replays the admin's real removal of bob
 * after bob was added again (an older epoch and version: as the same bytes, re-wrapped by herself,
 * or re-sent under the admin's own key), must change nothing: bob's messages stay, his cutoff stays
 * what the admin signed, nothing is announced as retracted. removal-cutoffs.test.ts covers where a
 * cutoff's number comes from; this covers who may set one, and when.
 */
describe('cutoffs only from the admin’s current version', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine, mallory: Engine;
  let g: string;

  beforeAll(async () => {
    world = await createWorld('alice', 'bob', 'carol', 'mallory');
    [alice, bob, carol, mallory] = world.engines as [Engine, Engine, Engine, Engine];
    g = await joinedGroup(world, alice, [bob, carol, mallory], 'sealed');
    for (const text of ['one', 'two', 'three']) await bob.sendText(g, text);
    await world.net.settle();
  }, 60_000);
  afterAll(async () => world.close());

  it('a removal with a cutoff that a member signed retracts nothing and sets no cutoff', async () => {
    const before = heldAt(carol, g, bob);
    expect(before.bobs).toEqual(['one', 'three', 'two']);
    expect(before.cutoff).toBeNull();
    const groupId = fromBase64Url(g) as Uint8Array;
    const current = latestVersion(engineContextOf(carol), groupId);
    const next = {
      ...current.version,
      version: current.version.version + 1,
      kind: 'REMOVE_MEMBERS' as const,
      members: current.version.members.filter((m) => userId(bob) !== Buffer.from(m.userId).toString('base64url')),
      affected: [fromBase64Url(userId(bob)) as Uint8Array],
      cutoffs: [{ sender: fromBase64Url(userId(bob)) as Uint8Array, seq: 1 }],
      prevHash: current.hash,
      updatedAt: Date.now(),
    };
    const malloryKeys = engineContextOf(mallory).self();
    // Signed by mallory as herself, and as if by alice (her key cannot make alice's signature).
    const asHerself = signGroupVersion({ ...next, creator: { ...next.creator, userId: malloryKeys.userId } }, malloryKeys.signSecret);
    const asAlice = signGroupVersion(next, malloryKeys.signSecret);
    const told = retractions(carol);
    const verdicts: string[] = [];
    for (const v of [asHerself, asAlice]) {
      const seq = engineContextOf(mallory).store.read.log.nextOwnSeq(groupId);
      const envelope = buildEnvelope(malloryKeys, { groupId, epoch: current.version.epoch, type: 'GROUP_UPDATE', seq, sentAt: Date.now(), body: updateBody(v.signedBytes) });
      verdicts.push(await verdictOf(carol, envelope.bytes));
    }
    expect(verdicts).toEqual(['not-admin', 'not-admin']);
    expect(await told()).toBe(0);
    expect(heldAt(carol, g, bob)).toEqual(before);
  });

  it("the admin's real removal of bob, replayed after he was added back, retracts nothing and moves no cutoff", async () => {
    const groupId = fromBase64Url(g) as Uint8Array;
    // Alice removes bob: her cutoff is all three of his. What went out on the channel is recorded.
    await alice.removeMembers(g, [userId(bob)]);
    const removal = alice.outbox.due(10_000).filter((j) => j.type === 'GROUP_UPDATE' && j.destination === 'group').at(-1)?.bytes;
    expect(removal).toBeDefined();
    await world.net.settle();
    expect(heldAt(carol, g, bob).cutoff).toBe(3);

    await alice.addMembers(g, [userId(bob)]);
    await world.net.settle();
    await bob.acceptInvitation(g);
    await world.net.settle();
    await waitForSameEpoch(g, alice, [bob, carol, mallory]);
    for (const text of ['four', 'five']) await bob.sendText(g, text);
    await world.net.settle();
    const before = heldAt(carol, g, bob);
    expect(before.bobs).toEqual(['five', 'four', 'one', 'three', 'two']);
    expect(before.members).toContain(userId(bob));

    const told = retractions(carol);
    const { envelope } = openSigned(removal!);
    const wrapped = (e: Engine): Uint8Array => {
      const keys = engineContextOf(e).self();
      const seq = engineContextOf(e).store.read.log.nextOwnSeq(groupId);
      return buildEnvelope(keys, { groupId, epoch: carol.getGroup(g).epoch, type: 'GROUP_UPDATE', seq, sentAt: Date.now(), body: envelope.body }).bytes;
    };
    // The very bytes alice published; her signed version in an envelope of mallory's; and in a new
    // envelope of alice's own key (a stale copy of her profile sending its old outbox again).
    expect(await verdictOf(carol, removal!)).toBe('replay');
    expect(await verdictOf(carol, wrapped(mallory))).toBe('not-admin');
    // An older version the member holds already: taken as known, and nothing of it applied again.
    expect(await verdictOf(carol, wrapped(alice))).toBe('accepted');
    expect(await told()).toBe(0);
    expect(heldAt(carol, g, bob)).toEqual(before);
  });
});
