import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { createWorld, joinedGroup, type TestWorld } from '../helpers/test-world.js';
import { userId } from '../helpers/test-engines.js';

/**
 * Class 1 of issue 8: an outsider (eve) signs a group version of her own that lists bob, a
 * co-member alice knows only from a group, with eve's box key, name and SLIM name. Alice must not
 * let it rewrite what she knows of bob (sealed secrets would go to eve's key and name).
 */
describe('an outsider rewriting a co-member through her own group version', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine, eve: Engine;

  beforeAll(async () => {
    world = await createWorld('alice', 'bob', 'carol', 'eve');
    [alice, bob, carol, eve] = world.engines as [Engine, Engine, Engine, Engine];
    await joinedGroup(world, carol, [alice, bob], 'sealed');
  });
  afterAll(() => world.close());

  it('keeps the box key, name and SLIM name alice already holds for bob', async () => {
    const a = engineContextOf(alice);
    const bobId = fromBase64Url(userId(bob)) as Uint8Array;
    a.store.write.people.setState(bobId, 'none', Date.now()); // bob is known to alice only as a co-member
    const genuine = a.store.read.people.get(bobId)!;
    const e = engineContextOf(eve);
    const eveSelf = e.self();
    e.store.write.people.upsert({ userId: bobId, boxPublic: eveSelf.boxPublic, displayName: 'Bob', slimName: eveSelf.slimName }, Date.now());
    await eve.createGroup({ name: 'Trap', members: [userId(alice), userId(bob)], mode: 'sealed' });
    await world.net.settle();
    const after = a.store.read.people.get(bobId)!;
    expect(after.boxPublic).toEqual(genuine.boxPublic);
    expect(after.slimName).toBe(genuine.slimName);
    expect(after.displayName).toBe(genuine.displayName);
  });
});
