/**
 * Commits the admin creates: add members, remove members, rotate keys. Each returns the new state
 * (next epoch) and the commit for every current member; adding also returns the welcome for the
 * newcomers. Commits travel as PrivateMessages (the membership change is encrypted, so the SLIM node
 * does not learn it). The admin's engine persists the new state before it sends anything.
 *
 * Only the admin's commits are accepted by the others (processCommit), so a non-admin member that calls
 * these gets a commit nobody applies.
 */
import { createCommit, type CreateCommitResult, type Proposal } from 'ts-mls';
import { KizunaError, isKizunaError } from '../../../../shared/errors/kizuna-error.js';
import { toBase64Url } from '../../encoding/base64url.js';
import { clientView, toGroupState } from './client-config.js';
import { isRemovedFromGroup, leafIndexOf } from './group-inspect.js';
import { parseKeyPackage } from './key-package.js';
import { guardMls } from './mls-errors.js';
import { suiteOrDefault, type MlsSuite } from './mls-suite.js';
import type { MlsAddResult, MlsCommitResult, MlsGroupState } from './mls-types.js';
import { encodeWire } from './mls-wire.js';

async function commitProposals(state: MlsGroupState, proposals: Proposal[], suite: MlsSuite): Promise<CreateCommitResult> {
  if (isRemovedFromGroup(state)) throw new KizunaError('GROUP_LEFT');
  return guardMls('MLS_ERROR', () =>
    createCommit({ state: clientView(state), cipherSuite: suite.impl }, { extraProposals: proposals, ratchetTreeExtension: true }),
  );
}

function commitOutput(result: CreateCommitResult): MlsCommitResult {
  return { state: toGroupState(result.newState), commit: encodeWire(result.commit) };
}

function assertDistinct(identities: Uint8Array[]): void {
  const seen = new Set<string>();
  for (const identity of identities) {
    const key = toBase64Url(identity);
    if (seen.has(key)) throw new KizunaError('GROUP_DUPLICATE_MEMBERS');
    seen.add(key);
  }
}

/**
 * Adds the owners of `keyPackages` (MLSMessage-framed key packages as generateKeyPackage makes them).
 * Each is fully validated (decodeKeyPackage rules, lifetime now); an invalid one fails the whole call
 * with KEY_PACKAGE_INVALID (details.index says which). The welcome carries the ratchet tree.
 */
export async function addMembers(state: MlsGroupState, keyPackages: Uint8Array[], suite?: MlsSuite): Promise<MlsAddResult> {
  if (!Array.isArray(keyPackages) || keyPackages.length === 0) throw new KizunaError('GROUP_MEMBERS_EMPTY');
  const s = await suiteOrDefault(suite);
  const now = Date.now();
  const parsed = [];
  for (const [index, bytes] of keyPackages.entries()) {
    try {
      parsed.push(await parseKeyPackage(bytes, s, now));
    } catch (error) {
      if (isKizunaError(error)) throw new KizunaError(error.code, error.message, { ...error.details, index }, { cause: error });
      throw error;
    }
  }
  const identities = parsed.map((p) => p.decoded.identity);
  assertDistinct(identities);
  const tree = clientView(state).ratchetTree;
  if (identities.some((identity) => leafIndexOf(tree, identity) !== undefined)) throw new KizunaError('GROUP_ALREADY_MEMBER');
  const result = await commitProposals(
    state,
    parsed.map((p) => ({ proposalType: 'add', add: { keyPackage: p.keyPackage } })),
    s,
  );
  if (result.welcome === undefined) throw new KizunaError('INTERNAL', 'An add commit produced no welcome.');
  return { ...commitOutput(result), welcome: encodeWire({ wireformat: 'mls_welcome', welcome: result.welcome }) };
}

/** Removes the members with these identity public keys. The committer cannot remove itself. */
export async function removeMembers(state: MlsGroupState, identityPublicKeys: Uint8Array[], suite?: MlsSuite): Promise<MlsCommitResult> {
  if (!Array.isArray(identityPublicKeys) || identityPublicKeys.length === 0) throw new KizunaError('GROUP_MEMBERS_EMPTY');
  assertDistinct(identityPublicKeys);
  const client = clientView(state);
  const own = client.privatePath.leafIndex;
  const proposals: Proposal[] = identityPublicKeys.map((identity) => {
    const leafIndex = leafIndexOf(client.ratchetTree, identity);
    if (leafIndex === undefined) throw new KizunaError('GROUP_NOT_MEMBER');
    if (leafIndex === own) throw new KizunaError('INVALID_INPUT', 'A member cannot remove itself with a commit.');
    return { proposalType: 'remove', remove: { removed: leafIndex } };
  });
  return commitOutput(await commitProposals(state, proposals, await suiteOrDefault(suite)));
}

/**
 * An empty commit with an update path: fresh HPKE keys on the committer's path and a new epoch with new
 * secrets for everyone (post-compromise security). Other members accept it only from the admin.
 */
export async function rotateKeys(state: MlsGroupState, suite?: MlsSuite): Promise<MlsCommitResult> {
  return commitOutput(await commitProposals(state, [], await suiteOrDefault(suite)));
}
