import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { randomBytes } from 'node:crypto';
import type { Inbox } from '../helpers/slim-test-kit.js';
import { hostileWorld, joinedGroup, outsiderKeys, publishRaw, type HostileWorld } from './hostile-world.js';

/**
 * Issue 8, class 6: nobody outside a group can make a member store without bound. Envelopes for
 * unknown groups, from senders in none of a group's records, and large unsigned ones are refused
 * before they reach the inbox. Each refusal is counted with its reason.
 */
describe('bounded durable state (an outsider over a real SLIM node)', () => {
  let w: HostileWorld;
  let bob: Engine, carol: Engine;
  let g: string;
  let gid: Uint8Array;
  let attacker: Inbox;

  beforeAll(async () => {
    w = await hostileWorld(['alice', 'bob', 'carol']);
    const engine = (name: string): Engine => (w.people[name] as { engine: Engine }).engine;
    const [alice, b, c] = ['alice', 'bob', 'carol'].map(engine) as [Engine, Engine, Engine];
    [bob, carol] = [b, c];
    g = await joinedGroup(alice, [bob, carol], 'sealed', 'bounded');
    gid = fromBase64Url(g) as Uint8Array;
    attacker = await w.raw('kizuna/attackers/outsider');
  });
  afterAll(async () => w.close());

  it('stores nothing an outsider sends: future epochs, unknown groups, large unsigned bodies', async () => {
    const deferredBefore = bob.stats().inbox['deferred'] ?? 0;
    const eve = outsiderKeys();
    const refusals = ['unknown-sender', 'unknown-group', 'large-unsigned'];
    const seen: string[] = [];
    const all = bob.events.waitFor('dropped', (d) => {
      if (refusals.includes(d.reason)) seen.push(d.reason);
      return seen.length >= 3;
    }, 15_000);
    // A "message" for an epoch far ahead (kept as deferred forever before), signed by a stranger.
    const ahead = buildEnvelope(eve, { groupId: gid, epoch: 1_000, type: 'MESSAGE', seq: 1, sentAt: Date.now(), body: randomBytes(64) });
    publishRaw(attacker, { group: g }, ahead.bytes, 'MESSAGE', g);
    // A group nobody knows, addressed to bob.
    const other = buildEnvelope(eve, { groupId: new Uint8Array(randomBytes(32)), epoch: 0, type: 'MESSAGE', seq: 1, sentAt: Date.now(), body: randomBytes(64) });
    publishRaw(attacker, { name: bob.getIdentity()?.slimName ?? '' }, other.bytes, 'MESSAGE', g);
    // 200 KB under a member's name (carol's), signed with the outsider's key.
    const big = buildEnvelope({ ...eve, signPublic: fromBase64Url(carol.getIdentity()?.userId ?? '') as Uint8Array }, { groupId: gid, epoch: 1, type: 'MESSAGE', seq: 2, sentAt: Date.now(), body: randomBytes(200_000) });
    publishRaw(attacker, { group: g }, big.bytes, 'MESSAGE', g);
    await all;
    await bob.inbox.idle();
    // Refused at admission (these reasons exist only there): never written; nothing waits as deferred.
    expect(bob.stats().inbox['deferred'] ?? 0).toBe(deferredBefore);
    expect(bob.stats().dropped['unknown-sender']).toBeGreaterThanOrEqual(1);
    expect(bob.stats().dropped['large-unsigned']).toBeGreaterThanOrEqual(1);
    expect(bob.stats().dropped['unknown-group']).toBeGreaterThanOrEqual(1);
  });
});
