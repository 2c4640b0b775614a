import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { openProfileReader } from '../../../../main/core/engine/profile-reader.js';
import { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { introduce, newUser, openProfile, tempDir, userId, type TestProfile } from '../../../helpers/test-engines.js';

/**
 * The CLI's lean read path (engine/profile-reader.ts) shows exactly what the engine shows: groups
 * (members, roles, last message), contacts, blocked people and the identity.
 */
describe('openProfileReader', () => {
  const dir = tempDir();
  const users: { engine: Engine; profile: TestProfile }[] = [];
  const seen = new Map<string, { groups: unknown; contacts: unknown; blocked: unknown; identity: unknown }>();

  beforeAll(async () => {
    for (const name of ['Ann', 'Ben', 'Cat', 'Dan']) users.push(await newUser(dir.path, name));
    const [ann, ben, cat, dan] = users.map((u) => u.engine) as [Engine, Engine, Engine, Engine];
    introduce(ann, ben, cat, dan);
    const net = new LoopbackNetwork();
    net.add(ann, ben, cat, dan);
    const group = await ann.createGroup({ name: 'Lean', members: [userId(ben), userId(cat)], mode: 'mls' });
    await ann.sendText(group.groupId, 'first words');
    await net.settle();
    await cat.acceptInvitation(group.groupId); // Ben leaves his invitation pending
    await net.settle();
    ann.blockContact({ userId: userId(dan) });
    for (const { engine, profile } of users) {
      const id = engine.getIdentity();
      seen.set(profile.name, {
        groups: engine.listGroups(),
        contacts: engine.listContacts(),
        blocked: engine.listBlocked(),
        identity: { userId: id?.userId, displayName: id?.displayName, slimName: id?.slimName },
      });
      await engine.close();
    }
  });
  afterAll(() => dir.cleanup());

  it('lists what the engine lists, for each profile', async () => {
    expect((seen.get('Ann')?.blocked as unknown[]).length).toBe(1);
    for (const { profile } of users) {
      const reader = await openProfileReader({ dataDir: profile.dir, keyWrapper: profile.wrapper });
      try {
        expect({
          groups: reader.listGroups(),
          contacts: reader.listContacts(),
          blocked: reader.listBlocked(),
          identity: reader.identity,
        }).toEqual(seen.get(profile.name));
      } finally {
        reader.close();
      }
    }
  });

  it('holds the profile lock while open, and refuses a key that is not the profile’s', async () => {
    const ann = users[0]!.profile;
    const reader = await openProfileReader({ dataDir: ann.dir, keyWrapper: ann.wrapper });
    await expect(openProfile(ann)).rejects.toMatchObject({ code: 'PROFILE_IN_USE' });
    reader.close();
    await (await openProfile(ann)).close();
    await expect(openProfileReader({ dataDir: ann.dir, keyWrapper: users[1]!.profile.wrapper })).rejects.toMatchObject({ code: 'STORE_WRONG_KEY' });
    // A failed open leaves the lock free.
    await (await openProfile(ann)).close();
  });
});
