/**
 * Applying a commit received from the network. A commit is accepted only when:
 * - it is a Commit for this group at this member's current epoch (an older epoch is a duplicate or a
 *   stale fork, a newer one means a commit is missing: both ENVELOPE_WRONG_EPOCH with the epochs);
 * - it was sent by the member whose identity is policy.adminIdentity (not an external commit);
 * - it holds only Add and Remove proposals, by value;
 * - every credential it introduces (added members, the committer's refreshed leaf) is bound to its
 *   signature key and allowed by policy.isAllowed;
 * - ts-mls verifies it (signature, membership/confirmation tags, update path, tree) and the committer
 *   keeps its identity.
 * Otherwise KizunaError('MLS_COMMIT_REJECTED') with details.reason; the given state is never changed
 * (states are immutable), so the caller just keeps using it.
 */
import { emptyPskIndex, processMessage, type IncomingMessageCallback } from 'ts-mls';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { bytesEqual, toBase64Url } from '../../encoding/base64url.js';
import { clientStateFor, clientView, toGroupState } from './client-config.js';
import { isRemovedFromGroup, leafIdentity, rosterOfTree } from './group-inspect.js';
import { IDENTITY_PUBLIC_KEY_LENGTH, recordingAuthenticationService } from './identity-binding.js';
import { toMlsError } from './mls-errors.js';
import { suiteOrDefault, type MlsSuite } from './mls-suite.js';
import type { MlsCommitPolicy, MlsGroupState, MlsProcessedCommit } from './mls-types.js';
import { decodeWire } from './mls-wire.js';

function rejected(reason: string, extra?: Record<string, unknown>, cause?: unknown): KizunaError {
  return new KizunaError('MLS_COMMIT_REJECTED', undefined, { ...extra, reason }, cause === undefined ? undefined : { cause });
}

export function assertPolicy(policy: MlsCommitPolicy): void {
  if (
    typeof policy !== 'object' ||
    policy === null ||
    !(policy.adminIdentity instanceof Uint8Array) ||
    policy.adminIdentity.length !== IDENTITY_PUBLIC_KEY_LENGTH ||
    typeof policy.isAllowed !== 'function'
  ) {
    throw new KizunaError('INVALID_INPUT', 'A group policy needs the admin identity key and a membership check.');
  }
}

function difference(of: Uint8Array[], minus: Uint8Array[]): Uint8Array[] {
  const excluded = new Set(minus.map(toBase64Url));
  return of.filter((identity) => !excluded.has(toBase64Url(identity)));
}

export async function processCommit(state: MlsGroupState, commitBytes: Uint8Array, policy: MlsCommitPolicy, suite?: MlsSuite): Promise<MlsProcessedCommit> {
  assertPolicy(policy);
  const s = await suiteOrDefault(suite);
  const message = decodeWire(commitBytes, ['mls_private_message', 'mls_public_message'], 'ENVELOPE_MALFORMED');
  const framing = message.wireformat === 'mls_private_message' ? message.privateMessage : message.publicMessage.content;
  const current = clientView(state).groupContext;
  if (!bytesEqual(framing.groupId, current.groupId)) throw rejected('commit for another group');
  if (framing.contentType !== 'commit') throw rejected(`not a commit but ${framing.contentType}`);
  if (isRemovedFromGroup(state)) throw new KizunaError('GROUP_LEFT');
  if (framing.epoch !== current.epoch) {
    throw new KizunaError('ENVELOPE_WRONG_EPOCH', undefined, { messageEpoch: Number(framing.epoch), currentEpoch: Number(current.epoch) });
  }

  const oldTree = clientView(state).ratchetTree;
  const { authService, refused } = recordingAuthenticationService(policy.isAllowed);
  let policyRefusal: string | undefined;
  let committer: number | undefined;
  const callback: IncomingMessageCallback = (incoming) => {
    if (incoming.kind !== 'commit') {
      policyRefusal = 'not a commit';
      return 'reject';
    }
    committer = incoming.senderLeafIndex;
    const sender = committer === undefined ? undefined : leafIdentity(oldTree, committer);
    if (sender === undefined || !bytesEqual(sender, policy.adminIdentity)) {
      policyRefusal = 'committer is not the group admin';
      return 'reject';
    }
    const other = incoming.proposals.find(({ proposal }) => proposal.proposalType !== 'add' && proposal.proposalType !== 'remove');
    if (other !== undefined) {
      policyRefusal = `proposal type ${String(other.proposal.proposalType)} is not accepted`;
      return 'reject';
    }
    return 'accept';
  };

  let result;
  try {
    result = await processMessage(message, clientStateFor(state, authService), emptyPskIndex, callback, s.impl);
  } catch (error) {
    if (refused.length > 0) throw rejected('credential refused', { identities: refused }, error);
    throw toMlsError(error, 'MLS_COMMIT_REJECTED');
  }
  if (result.kind !== 'newState') throw rejected('not a commit');
  if (result.actionTaken === 'reject') throw rejected(policyRefusal ?? 'refused');

  const next = result.newState;
  const committerAfter = committer === undefined ? undefined : leafIdentity(next.ratchetTree, committer);
  if (committerAfter === undefined || !bytesEqual(committerAfter, policy.adminIdentity)) throw rejected('committer changed its identity');

  const before = rosterOfTree(oldTree);
  const roster = rosterOfTree(next.ratchetTree);
  return {
    state: toGroupState(next),
    epoch: next.groupContext.epoch,
    roster,
    added: difference(roster, before),
    removed: difference(before, roster),
    removedSelf: next.groupActiveState.kind === 'removedFromGroup',
  };
}
