import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual } from '../encoding/base64url.js';
import type { SignedGroupVersion } from '../wire/wire-schemas.js';
import { validateCreateVersion, validateNextVersion } from './group-validation.js';
import { groupIdOf, verifySignedGroupVersion, type VerifiedGroupVersion } from './signed-group-version.js';

/**
 * Verifies a whole version chain as an invitation or welcome carries it: version 0 hashes to the
 * group id and is a valid creation; each later version is signed by the admin and follows the rules.
 */
export function verifyChain(chain: readonly SignedGroupVersion[], groupId: Uint8Array): VerifiedGroupVersion[] {
  const out: VerifiedGroupVersion[] = [];
  for (const signed of chain) {
    const v = verifySignedGroupVersion(signed);
    const prev = out[out.length - 1];
    if (prev === undefined) {
      validateCreateVersion(v.version, v.signer);
      if (!bytesEqual(groupIdOf(v), groupId)) throw new KizunaError('GROUP_VERSION_INVALID', 'The first version does not match the group id.');
    } else {
      validateNextVersion(prev.version, prev.hash, groupId, v.version, v.signer);
    }
    out.push(v);
  }
  if (out.length === 0) throw new KizunaError('GROUP_VERSION_INVALID', 'An empty version chain.');
  return out;
}
