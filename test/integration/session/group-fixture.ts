import type { EncryptionMode } from '../../../shared/domain/views.js';
import { afterEach, beforeEach } from 'vitest';
import { CoreProcess } from '../../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { tempDir } from '../../helpers/test-engines.js';

/** Shared steps of the cross-process tests: people with identities, cards exchanged, a joined group. */
export async function startPeople(root: string, endpoint: string, names: string[], session?: Record<string, unknown>): Promise<Record<string, CoreProcess>> {
  const people: Record<string, CoreProcess> = {};
  await Promise.all(
    names.map(async (name) => {
      const p = new CoreProcess(root, name, endpoint, session);
      await p.start();
      await p.invoke('identity.create', { displayName: name });
      people[name] = p;
    }),
  );
  const cards = Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await people[n]!.invoke('identity.get', {}))?.card ?? ''] as const)));
  for (const a of names) for (const b of names) if (a !== b) await people[a]!.invoke('contacts.add', { card: cards[b]! });
  await Promise.all(names.map((n) => waitOnline(people[n]!)));
  return people;
}

export function waitOnline(p: CoreProcess): Promise<unknown> {
  return p.until(() => p.invoke('connection.status', {}), (s) => s.state === 'online' || s.state === 'syncing', 20_000, 'online');
}

export async function userIdOf(p: CoreProcess): Promise<string> {
  return (await p.invoke('identity.get', {}))?.userId ?? '';
}

/** Creates a group, every member accepts, and waits until everyone is in at the admin's epoch. */
export async function joinedGroup(admin: CoreProcess, members: CoreProcess[], mode: EncryptionMode, name = `group ${mode}`): Promise<string> {
  const ids = await Promise.all(members.map(userIdOf));
  const invitations = members.map((m) => m.waitFor('invitation', (i) => i.state === 'pending' && i.groupName === name));
  const g = await admin.invoke('groups.create', { name, members: ids, mode });
  await Promise.all(invitations);
  for (const m of members) await m.invoke('invitations.accept', { groupId: g.groupId });
  await admin.until(() => admin.invoke('groups.get', { groupId: g.groupId }), (v) => v.members.every((x) => x.status === 'joined'), 20_000, 'all joined');
  await atAdminEpoch(admin, members, g.groupId);
  return g.groupId;
}

export async function atAdminEpoch(admin: CoreProcess, members: CoreProcess[], groupId: string): Promise<void> {
  const epoch = (await admin.invoke('groups.get', { groupId })).epoch;
  for (const m of members) {
    await m.until(() => m.invoke('groups.get', { groupId }), (v) => v.epoch >= epoch, 20_000, `epoch ${epoch}`);
  }
}

export async function allTexts(p: CoreProcess, groupId: string): Promise<{ text: string; sender: string; seq: number }[]> {
  const out: { text: string; sender: string; seq: number }[] = [];
  let page = await p.invoke('messages.latest', { groupId, limit: 500 });
  out.unshift(...page.messages.map((m) => ({ text: m.text, sender: m.senderName, seq: m.seq })));
  while (page.hasOlder && page.messages[0] !== undefined) {
    const first = page.messages[0];
    page = await p.invoke('messages.before', { groupId, cursor: { id: first.id, sentAt: first.sentAt }, limit: 500 });
    out.unshift(...page.messages.map((m) => ({ text: m.text, sender: m.senderName, seq: m.seq })));
  }
  return out;
}

/**
 * A real SLIM node and a folder for every test of the calling describe (hooks registered here), and
 * `start(names)`: startPeople there. Whoever was started is closed after the test, then the node.
 */
export function peoplePerTest(): (names: string[], session?: Record<string, unknown>) => Promise<Record<string, CoreProcess>> {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let dir: ReturnType<typeof tempDir>;
  let people: Record<string, CoreProcess> | undefined;
  beforeEach(async () => {
    kit = createSlimTestKit();
    node = await kit.startNode();
    dir = tempDir();
  });
  afterEach(async () => {
    await Promise.all(Object.values(people ?? {}).map((p) => p.close()));
    people = undefined;
    await kit.dispose();
    dir.cleanup();
  });
  return async (names, session) => (people = await startPeople(dir.path, node.endpoint, names, session));
}
