import type { Engine } from '../../main/core/engine/engine.js';
import type { EncryptionMode } from '../../shared/domain/views.js';
import { LoopbackNetwork } from './loopback-network.js';
import { introduce, userId } from './test-engines.js';

/**
 * The usual start of an engine test: three people who know each other on one loopback network, the
 * first having created a group with the other two, both of whom accepted it.
 */
export async function loopbackGroupOfThree(
  alice: Engine,
  bob: Engine,
  carol: Engine,
  mode: EncryptionMode,
  name = 'M',
): Promise<{ net: LoopbackNetwork; groupId: string }> {
  introduce(alice, bob, carol);
  const net = new LoopbackNetwork();
  net.add(alice, bob, carol);
  const groupId = (await alice.createGroup({ name, members: [userId(bob), userId(carol)], mode })).groupId;
  await net.settle();
  await bob.acceptInvitation(groupId);
  await carol.acceptInvitation(groupId);
  await net.settle();
  return { net, groupId };
}
