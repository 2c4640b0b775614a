import { bytesEqual } from '../encoding/base64url.js';
import { decodeSignedGroupVersion } from './signed-group-version.js';
import type { Store } from '../store/store.js';
import type { WireMember } from '../wire/wire-schemas.js';

/**
 * A member's record (box key, SLIM name) as the admin signed it into the version that started an
 * epoch. Sealed secrets go only to this key and name, never to the shared people table, which
 * other groups' admins (an outsider's own group included) may have introduced (issue 8, class 1).
 * Undefined when the epoch is unknown or they are not in its signed roster.
 */
export function epochRosterMember(store: Store, groupId: Uint8Array, epoch: number, userId: Uint8Array): WireMember | undefined {
  const started = store.read.groups.epochs(groupId).find((e) => e.epoch === epoch);
  if (started === undefined) return undefined;
  const row = store.read.groups.version(groupId, started.version);
  if (row === undefined) return undefined;
  const v = decodeSignedGroupVersion(row.signedBytes).version;
  if (v.epoch !== epoch) return undefined;
  return [v.creator, ...v.members].find((m) => bytesEqual(m.userId, userId));
}
