import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { encodeWire } from '../../main/core/wire/wire-codec.js';
import { userId } from '../helpers/test-engines.js';
import { createWorld, joinedGroup, type TestWorld } from '../helpers/test-world.js';
import { forged, queued, verdictOf } from './attack-kit.js';
import { outsiderKeys } from './hostile-world.js';

/**
 * Issue 8: nothing is charged or recorded in a sender's name before its signature verified. An
 * outsider floods forged INVITEs and SECRET_REQUESTs claiming bob (copies of his with a bad
 * signature, and new ones signed with her own key under his id): they are refused at admission
 * (counted), bob's per-sender rate is untouched, and his genuine ones are still taken.
 */
const FLOOD = 60; // well past the per-sender burst (20)
const bytesOf = (id: string): Uint8Array => fromBase64Url(id) as Uint8Array;

describe('admission verifies before it charges', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine;
  let g: string;

  beforeAll(async () => {
    world = await createWorld('alice', 'bob', 'carol');
    [alice, bob, carol] = world.engines as [Engine, Engine, Engine];
    g = await joinedGroup(world, alice, [bob, carol], 'sealed', 'Verified first');
  });
  afterAll(async () => world.close());

  it('forged invitations claiming bob neither use up his rate nor open a group for him', async () => {
    const eve = outsiderKeys();
    const asBob = { ...eve, signPublic: bytesOf(userId(bob)) };
    const invited = alice.events.waitFor('invitation', (i) => i.state === 'pending' && i.groupName === 'From bob');
    const created = await bob.createGroup({ name: 'From bob', members: [userId(alice), userId(carol)], mode: 'none' });
    const genuine = queued(bob, 'INVITE');

    const reasons: string[] = [];
    for (let i = 0; i < FLOOD; i++) reasons.push(await verdictOf(alice, forged(genuine)));
    // New forgeries under bob's id for groups nobody has: not even a pending note is made for them.
    const fakeGroup = new Uint8Array(randomBytes(32));
    for (let i = 0; i < FLOOD; i++) {
      const fake = buildEnvelope(asBob, { groupId: i === 0 ? fakeGroup : new Uint8Array(randomBytes(32)), epoch: 0, type: 'INVITE', seq: 0, sentAt: Date.now(), body: new Uint8Array(randomBytes(64)), recipient: bytesOf(userId(alice)) });
      reasons.push(await verdictOf(alice, fake.bytes));
    }
    expect(new Set(reasons)).toEqual(new Set(['invite-bad-signature']));
    expect(alice.stats().dropped['invite-bad-signature']).toBe(2 * FLOOD);
    expect(alice.stats().dropped['invite-rate'] ?? 0).toBe(0);

    // A forged invitation noted bob as the inviter of fakeGroup before: his (forged) envelopes for it got in.
    const follow = buildEnvelope(asBob, { groupId: fakeGroup, epoch: 0, type: 'MESSAGE', seq: 1, sentAt: Date.now(), body: new Uint8Array(randomBytes(64)) });
    expect(await verdictOf(alice, follow.bytes)).toBe('unknown-group');

    expect(await verdictOf(alice, genuine)).toBe('accepted');
    await invited;
    expect(alice.listInvitations().map((i) => i.groupId)).toContain(created.groupId);
  });

  it('forged secret requests claiming bob leave his genuine request its rate', async () => {
    const eve = outsiderKeys();
    const gid = bytesOf(g);
    const epoch = alice.getGroup(g).epoch;
    const body = encodeWire('SecretRequest', { epochs: [epoch] });
    const asBob = { ...eve, signPublic: bytesOf(userId(bob)) };
    const reasons: string[] = [];
    for (let i = 0; i < FLOOD; i++) {
      const fake = buildEnvelope(asBob, { groupId: gid, epoch, type: 'SECRET_REQUEST', seq: 0, sentAt: Date.now(), body });
      reasons.push(await verdictOf(alice, fake.bytes));
    }
    expect(new Set(reasons)).toEqual(new Set(['secret-request-bad-signature']));
    expect(alice.stats().dropped['secret-request-rate'] ?? 0).toBe(0);

    // bob's own request, signed by his engine's keys: taken (and answered) like any genuine one.
    const genuine = buildEnvelope(engineContextOf(bob).self(), { groupId: gid, epoch, type: 'SECRET_REQUEST', seq: 0, sentAt: Date.now(), body });
    expect(await verdictOf(alice, genuine.bytes)).toBe('accepted');
  });

  it('the rate still holds for a genuine sender', async () => {
    const gid = bytesOf(g);
    const epoch = alice.getGroup(g).epoch;
    const body = encodeWire('SecretRequest', { epochs: [epoch] });
    const self = engineContextOf(bob).self();
    const reasons: string[] = [];
    for (let i = 0; i < 40; i++) {
      reasons.push(await verdictOf(alice, buildEnvelope(self, { groupId: gid, epoch, type: 'SECRET_REQUEST', seq: 0, sentAt: Date.now(), body }).bytes));
    }
    expect(reasons).toContain('secret-request-rate');
  });
});
