import type { Engine } from '../../main/core/engine/engine.js';
import type { EncryptionMode } from '../../shared/domain/views.js';
import { LoopbackNetwork } from '../../test/helpers/loopback-network.js';
import { introduce, newUser, tempDir, userId } from '../../test/helpers/test-engines.js';

/** Alice, Bob and Carol, each a real engine on its own store, in one group of `mode` that all three joined. */
export interface ThreeInGroup {
  readonly dir: ReturnType<typeof tempDir>;
  readonly alice: Engine;
  readonly bob: Engine;
  readonly carol: Engine;
  /** The loopback network between them (benches take engines offline to measure one side alone). */
  readonly net: LoopbackNetwork;
  readonly groupId: string;
}

export async function threeInGroup(prefix: string, name: string, mode: EncryptionMode): Promise<ThreeInGroup> {
  const dir = tempDir(prefix);
  const { engine: alice } = await newUser(dir.path, 'alice');
  const { engine: bob } = await newUser(dir.path, 'bob');
  const { engine: carol } = await newUser(dir.path, 'carol');
  introduce(alice, bob, carol);
  const net = new LoopbackNetwork();
  net.add(alice, bob, carol);
  const groupId = (await alice.createGroup({ name, members: [userId(bob), userId(carol)], mode })).groupId;
  await net.settle();
  await bob.acceptInvitation(groupId);
  await carol.acceptInvitation(groupId);
  await net.settle();
  return { dir, alice, bob, carol, net, groupId };
}
