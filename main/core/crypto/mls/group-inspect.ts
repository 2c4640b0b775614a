/** Synchronous, read-only questions about a group state. */
import type { RatchetTree } from 'ts-mls';
import { bytesEqual } from '../../encoding/base64url.js';
import { clientView } from './client-config.js';
import type { MlsGroupState } from './mls-types.js';

/** Identity of the member at a leaf (leaf index, not node index), or undefined for a blank leaf. */
export function leafIdentity(tree: RatchetTree, leafIndex: number): Uint8Array | undefined {
  const node = tree[leafIndex * 2];
  return node?.nodeType === 'leaf' ? node.leaf.signaturePublicKey : undefined;
}

/** Identities of all members, in leaf order. Credentials are bound, so identity = signature key. */
export function rosterOfTree(tree: RatchetTree): Uint8Array[] {
  const roster: Uint8Array[] = [];
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree[i];
    if (node?.nodeType === 'leaf') roster.push(node.leaf.signaturePublicKey.slice());
  }
  return roster;
}

/** Leaf index of the member with this identity, or undefined. */
export function leafIndexOf(tree: RatchetTree, identity: Uint8Array): number | undefined {
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree[i];
    if (node?.nodeType === 'leaf' && bytesEqual(node.leaf.signaturePublicKey, identity)) return i / 2;
  }
  return undefined;
}

/** The MLS epoch, a bigint (RFC 9420 uses uint64; it starts at 0 and grows by one per commit). */
export function epochOf(state: MlsGroupState): bigint {
  return clientView(state).groupContext.epoch;
}

/** Identity public keys (32 bytes each) of the members, in leaf order. */
export function rosterOf(state: MlsGroupState): Uint8Array[] {
  return rosterOfTree(clientView(state).ratchetTree);
}

export function groupIdOf(state: MlsGroupState): Uint8Array {
  return clientView(state).groupContext.groupId.slice();
}

/** Identity public key of the local member; undefined once removed (its leaf is blank then). */
export function ownIdentityOf(state: MlsGroupState): Uint8Array | undefined {
  const client = clientView(state);
  return leafIdentity(client.ratchetTree, client.privatePath.leafIndex)?.slice();
}

/** True once a commit removed the local member (it can still read its last epoch, nothing after). */
export function isRemovedFromGroup(state: MlsGroupState): boolean {
  return clientView(state).groupActiveState.kind === 'removedFromGroup';
}
