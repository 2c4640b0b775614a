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

/** What a test of a describe that called groupPerTest() works with; read it inside the test. */
export interface GroupTestWorld {
  /** startPeople in this test's folder on its node; whoever it started is closed after the test. */
  readonly start: (names: string[], session?: Record<string, unknown>) => Promise<Record<string, CoreProcess>>;
  /** This test's folder (for a CoreProcess started beside the people: add it to start's record to have it closed). */
  readonly dir: string;
  /** The node's address, the same after restartNode(). */
  readonly endpoint: string;
  /** Kills the node outright (SIGKILL) and resolves once its process is gone. */
  readonly killNode: () => Promise<void>;
  /** Starts the node again on the same address (engines reconnect to it as they would to the old one). */
  readonly restartNode: () => Promise<void>;
}

/**
 * A real SLIM node and a folder for every test of the calling describe (hooks registered here). The
 * node can be killed and restarted on its address (fault tests). Whoever was started is closed after
 * the test, then every node the test ran.
 */
export function groupPerTest(): GroupTestWorld {
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
  return {
    start: async (names, session) => (people = await startPeople(dir.path, node.endpoint, names, session)),
    get dir() {
      return dir.path;
    },
    get endpoint() {
      return node.endpoint;
    },
    killNode: async () => {
      node.kill('SIGKILL');
      await node.exited;
    },
    restartNode: async () => {
      node = await kit.startNode({ endpoint: node.endpoint });
    },
  };
}

/** groupPerTest() for tests that only start people: `start(names)`. */
export function peoplePerTest(): GroupTestWorld['start'] {
  return groupPerTest().start;
}
