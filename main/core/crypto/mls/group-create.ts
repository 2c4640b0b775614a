import { createGroup as createMlsGroup } from 'ts-mls';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { BASE_CLIENT_CONFIG, toGroupState } from './client-config.js';
import { createKeyPackage } from './key-package.js';
import { guardMls } from './mls-errors.js';
import { suiteOrDefault, type MlsSuite } from './mls-suite.js';
import type { MlsGroupState, MlsIdentity } from './mls-types.js';

/** MLS group ids are opaque<V>; Kizuna's are 32 bytes (BLAKE2b-256 of the first group version). */
const MAX_GROUP_ID_LENGTH = 255;

/** A new group at epoch 0 whose only member (leaf 0) is `identity`, the admin. */
export async function createGroup(groupId: Uint8Array, identity: MlsIdentity, suite?: MlsSuite): Promise<MlsGroupState> {
  if (!(groupId instanceof Uint8Array) || groupId.length === 0 || groupId.length > MAX_GROUP_ID_LENGTH) {
    throw new KizunaError('INVALID_INPUT', 'A group id must be 1 to 255 bytes.');
  }
  const s = await suiteOrDefault(suite);
  const own = await createKeyPackage(identity, s);
  const client = await guardMls('MLS_ERROR', () => createMlsGroup(groupId.slice(), own.publicPackage, own.privatePackage, [], s.impl, BASE_CLIENT_CONFIG));
  return toGroupState(client);
}
