import type { Engine } from '../../main/core/engine/engine.js';
import type { EncryptionMode } from '../../shared/domain/views.js';
import { loopbackGroupOfThree } from '../../test/helpers/loopback-group.js';
import type { LoopbackNetwork } from '../../test/helpers/loopback-network.js';
import { newUser, tempDir } from '../../test/helpers/test-engines.js';

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
  const { net, groupId } = await loopbackGroupOfThree(alice, bob, carol, mode, name);
  return { dir, alice, bob, carol, net, groupId };
}
