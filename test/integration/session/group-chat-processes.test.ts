import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import type { EncryptionMode } from '../../../shared/domain/views.js';
import { CoreProcess } from '../../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';

/** Three or more engines, each in its own process with its own SQLite file, on one real SLIM node. */
describe('group chat across processes on a real SLIM node', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let dir: ReturnType<typeof tempDir>;
  const people: Record<string, CoreProcess> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    kit = createSlimTestKit();
    node = await kit.startNode();
    dir = tempDir();
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const p = new CoreProcess(dir.path, name, node.endpoint);
      await p.start();
      const id = await p.invoke('identity.create', { displayName: name });
      ids[name] = id.userId;
      people[name] = p;
    }
    // Everyone exchanges contact cards.
    for (const a of Object.values(people)) {
      for (const [name, b] of Object.entries(people)) {
        if (a === b) continue;
        const card = (await b.invoke('identity.get', {}))?.card ?? '';
        await a.invoke('contacts.add', { card });
        void name;
      }
    }
    await Promise.all(Object.values(people).map((p) => p.until(() => p.invoke('connection.status', {}), (s) => s.state === 'online', 15_000, 'online')));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(Object.values(people).map((p) => p.close()));
    await kit.dispose();
    dir.cleanup();
  });

  async function joinedGroup(mode: EncryptionMode, members: string[]): Promise<string> {
    const alice = people['alice']!;
    const invitations = members.map((m) => people[m]!.waitFor('invitation', (i) => i.state === 'pending' && i.mode === mode));
    const g = await alice.invoke('groups.create', { name: `chat ${mode}`, members: members.map((m) => ids[m]!), mode });
    await Promise.all(invitations);
    for (const m of members) await people[m]!.invoke('invitations.accept', { groupId: g.groupId });
    // Everyone is in once the admin sees each member joined and every member is at the admin's epoch.
    await alice.until(() => alice.invoke('groups.get', { groupId: g.groupId }), (v) => v.members.every((x) => x.status === 'joined'), 20_000, 'all joined');
    const epoch = (await alice.invoke('groups.get', { groupId: g.groupId })).epoch;
    for (const m of members) {
      const p = people[m]!;
      await p.until(() => p.invoke('groups.get', { groupId: g.groupId }), (v) => v.myState === 'joined' && v.epoch >= epoch, 20_000, 'epoch');
    }
    return g.groupId;
  }

  const texts = async (who: string, groupId: string): Promise<string[]> =>
    (await people[who]!.invoke('messages.latest', { groupId, limit: 100 })).messages.map((m) => m.text);

  it.each<EncryptionMode>(['mls', 'sealed', 'none'])('creates, invites, accepts and chats (%s)', async (mode) => {
    const groupId = await joinedGroup(mode, ['bob', 'carol', 'dave']);
    const fromBob = await people['bob']!.invoke('messages.sendText', { groupId, text: `bob says hi (${mode})` });
    await people['carol']!.invoke('messages.sendText', { groupId, text: `carol answers (${mode})` });
    for (const who of ['alice', 'bob', 'carol', 'dave']) {
      const p = people[who]!;
      await p.until(() => texts(who, groupId), (t) => t.length === 2, 15_000, `${who} has both messages`);
    }
    expect((await texts('dave', groupId)).sort()).toEqual([`bob says hi (${mode})`, `carol answers (${mode})`].sort());
    const bob = people['bob']!;
    await bob.until(() => bob.invoke('messages.get', { messageId: fromBob.id }), (m) => m.sendState === 'delivered', 15_000, 'delivered');
    // Heartbeats: the others show as online in the group's view.
    const view = await people['alice']!.until(
      () => people['alice']!.invoke('groups.get', { groupId }),
      (g) => g.members.filter((m) => !m.isSelf).every((m) => m.online === true),
      15_000,
      'everyone online',
    );
    expect(view.members.map((m) => m.online)).toEqual([true, true, true, true]);
  });

  it.each<EncryptionMode>(['mls', 'sealed', 'none'])('removes a member who then can neither read nor send (%s); leave; close', async (mode) => {
    const groupId = await joinedGroup(mode, ['bob', 'carol', 'dave']);
    const alice = people['alice']!;
    const dave = people['dave']!;
    await alice.invoke('groups.removeMembers', { groupId, members: [ids['dave']!] });
    await dave.until(() => dave.invoke('groups.get', { groupId }), (g) => g.myState === 'removed', 15_000, 'dave removed');
    await expect(dave.invoke('messages.sendText', { groupId, text: 'can I still talk?' })).rejects.toMatchObject({ code: 'GROUP_LEFT' });
    const epoch = (await alice.invoke('groups.get', { groupId })).epoch;
    for (const m of ['bob', 'carol']) {
      const p = people[m]!;
      await p.until(() => p.invoke('groups.get', { groupId }), (g) => g.epoch >= epoch, 15_000, 'epoch after removal');
    }
    await people['bob']!.invoke('messages.sendText', { groupId, text: 'after dave left' });
    await alice.until(() => texts('alice', groupId), (t) => t.includes('after dave left'), 15_000, 'alice reads');
    await people['carol']!.until(() => texts('carol', groupId), (t) => t.includes('after dave left'), 15_000, 'carol reads');
    await dave.idle();
    expect(await texts('dave', groupId)).not.toContain('after dave left');

    await people['carol']!.invoke('groups.leave', { groupId });
    await alice.until(() => alice.invoke('groups.get', { groupId }), (g) => !g.members.some((m) => m.userId === ids['carol']), 15_000, 'carol gone');
    await alice.invoke('groups.delete', { groupId });
    const bob = people['bob']!;
    await bob.until(() => bob.invoke('groups.get', { groupId }), (g) => g.myState === 'closed', 15_000, 'closed');
    await expect(bob.invoke('messages.sendText', { groupId, text: 'anyone?' })).rejects.toMatchObject({ code: 'GROUP_CLOSED' });
  });

  // Last: it kills a member's process.
  it('a member whose process stops is shown offline once its heartbeats stop; the others stay online', async () => {
    const groupId = await joinedGroup('none', ['bob', 'dave']);
    const alice = people['alice']!;
    const others = (g: { members: { userId: string; online?: boolean }[] }, who: string): boolean | undefined => g.members.find((m) => m.userId === ids[who])?.online;
    await alice.until(() => alice.invoke('groups.get', { groupId }), (g) => others(g, 'bob') === true && others(g, 'dave') === true, 15_000, 'both online');
    await people['dave']!.kill();
    const after = await alice.until(() => alice.invoke('groups.get', { groupId }), (g) => others(g, 'dave') === false, 15_000, 'dave offline');
    expect(others(after, 'bob')).toBe(true);
    expect(after.members.find((m) => m.isSelf)?.online).toBe(true);
  });
});
