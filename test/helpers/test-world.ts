import type { Engine } from '../../main/core/engine/engine.js';
import type { EncryptionMode } from '../../shared/domain/views.js';
import { LoopbackNetwork } from './loopback-network.js';
import { introduce, newUser, tempDir, userId, waitForSameEpoch } from './test-engines.js';

/** Engines that know each other (cards exchanged) on one loopback network, in a temporary folder. */
export interface TestWorld {
  dir: ReturnType<typeof tempDir>;
  net: LoopbackNetwork;
  engines: Engine[];
  close(): Promise<void>;
}

export async function createWorld(...names: string[]): Promise<TestWorld> {
  return createWorldWithClocks(names, {});
}

/** The same, with some people's engines on their own clocks (a skewed member, a hold that times out). */
export async function createWorldWithClocks(names: readonly string[], clocks: Readonly<Record<string, () => number>>): Promise<TestWorld> {
  const dir = tempDir();
  const engines: Engine[] = [];
  for (const name of names) engines.push((await newUser(dir.path, name, clocks[name])).engine);
  introduce(...engines);
  const net = new LoopbackNetwork();
  net.add(...engines);
  return {
    dir,
    net,
    engines,
    close: async () => {
      for (const e of engines) await e.close();
      dir.cleanup();
    },
  };
}

/** The admin creates a group, every member accepts, and everyone ends at the admin's epoch. */
export async function joinedGroup(world: TestWorld, admin: Engine, members: Engine[], mode: EncryptionMode, name = 'Group'): Promise<string> {
  const g = (await admin.createGroup({ name, members: members.map(userId), mode })).groupId;
  await world.net.settle();
  for (const m of members) await m.acceptInvitation(g);
  await world.net.settle();
  await waitForSameEpoch(g, admin, members);
  return g;
}

/**
 * An engine's queued MESSAGE envelopes, taken out of its outbox (marked done) instead of being delivered, so a
 * test hands them to whom it likes, in the order it likes.
 */
export function takeMessages(from: Engine, limit = 2000): Uint8Array[] {
  const jobs = from.outbox.due(limit).filter((j) => j.type === 'MESSAGE');
  for (const j of jobs) from.outbox.markDone(j);
  return jobs.map((j) => j.bytes);
}
