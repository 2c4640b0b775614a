import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { openOwnSecret } from '../../main/core/encryption/sealed-secrets.js';
import { decodeWire, encodeWire } from '../../main/core/wire/wire-codec.js';
import { secretReplySchema } from '../../main/core/wire/wire-schemas.js';
import { createWorld, joinedGroup, type TestWorld } from '../helpers/test-world.js';
import { userId } from '../helpers/test-engines.js';
import { openSigned, verdictOf } from './attack-kit.js';

/**
 * Class 1 of issue 8: sealed-mode secret replies go only to the box key and SLIM name the admin
 * signed into that epoch's roster. Alice's people row for bob has been rewritten to eve's key and
 * name (what a foreign group version could once do); bob's request must still be answered to bob,
 * and eve's own request (an outsider's) answered to nobody.
 */
describe('sealed secret replies (sealed)', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine, eve: Engine;
  let groupId: Uint8Array;

  beforeAll(async () => {
    world = await createWorld('alice', 'bob', 'carol', 'eve');
    [alice, bob, carol, eve] = world.engines as [Engine, Engine, Engine, Engine];
    groupId = fromBase64Url(await joinedGroup(world, carol, [alice, bob], 'sealed'))!;
  });
  afterAll(() => world.close());

  function secretRequest(from: Engine, epochs: number[]): Uint8Array {
    const ctx = engineContextOf(from);
    return buildEnvelope(ctx.self(), { groupId, epoch: Math.max(...epochs), type: 'SECRET_REQUEST', seq: 0, sentAt: Date.now(), body: encodeWire('SecretRequest', { epochs }) }).bytes;
  }

  function secretReplies(engine: Engine): { slimName: string; bytes: Uint8Array }[] {
    return engine.outbox.due(10_000).filter((j) => j.type === 'SECRET_REPLY').map((j) => ({ slimName: j.slimName, bytes: j.bytes }));
  }

  it("a member whose people row was rewritten gets the secret sealed to the roster's key, at the roster's name", async () => {
    const a = engineContextOf(alice);
    const bobSelf = engineContextOf(bob).self();
    const eveSelf = engineContextOf(eve).self();
    const epoch = alice.getGroup(userIdOf(groupId)).epoch;
    a.store.write.people.upsert({ userId: bobSelf.userId, boxPublic: eveSelf.boxPublic, displayName: 'Bob', slimName: eveSelf.slimName }, Date.now());
    expect(await verdictOf(alice, secretRequest(bob, [epoch]))).toBe('accepted');
    const replies = secretReplies(alice);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.slimName).toBe(bobSelf.slimName);
    expect(replies[0]!.slimName).not.toBe(eveSelf.slimName);
    const body = decodeWire('SecretReply', secretReplySchema, openSigned(replies[0]!.bytes).envelope.body);
    expect(openOwnSecret(bobSelf, body.secrets, epoch)).toBeDefined();
    expect(openOwnSecret({ ...eveSelf, userId: bobSelf.userId }, body.secrets, epoch)).toBeUndefined();
    for (const j of alice.outbox.due(10_000)) alice.outbox.markDone(j);
  });

  it('an outsider asking for the secret is refused and nothing is queued', async () => {
    const epoch = alice.getGroup(userIdOf(groupId)).epoch;
    expect(await verdictOf(alice, secretRequest(eve, [epoch]))).not.toBe('accepted');
    expect(secretReplies(alice)).toHaveLength(0);
  });

  it('an outsider claiming to be bob (his user id, her key) cannot sign the request', async () => {
    const epoch = alice.getGroup(userIdOf(groupId)).epoch;
    const forged = buildEnvelope({ ...engineContextOf(eve).self(), userId: fromBase64Url(userId(bob))! }, {
      groupId, epoch, type: 'SECRET_REQUEST', seq: 0, sentAt: Date.now(), body: encodeWire('SecretRequest', { epochs: [epoch] }),
    }).bytes;
    expect(await verdictOf(alice, forged)).not.toBe('accepted');
    expect(secretReplies(alice)).toHaveLength(0);
  });
});

function userIdOf(groupId: Uint8Array): string {
  return Buffer.from(groupId).toString('base64url');
}
