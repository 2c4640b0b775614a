/**
 * Joining a group from a welcome (RFC 9420 §12.4.3.1). The welcome Kizuna sends carries the ratchet
 * tree in its GroupInfo (ratchet_tree extension), so no separate tree fetch is needed; a tree given in
 * options.ratchetTree (TLS-encoded ratchet tree) is only used when the welcome has none.
 *
 * The joiner checks, besides everything ts-mls checks (signatures, tree hash, parent hashes,
 * confirmation tag): the welcome is addressed to this key package; the private package, the key package
 * and the identity belong together; every member of the tree has a bound credential that
 * policy.isAllowed accepts; the admin is a member. Who signed the GroupInfo is not exposed by ts-mls,
 * so that it was the admin rests on the Kizuna envelope around the welcome (signed by the admin's key).
 */
import { sodium } from '../sodium.js';
import { emptyPskIndex, joinGroup, type RatchetTree } from 'ts-mls';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { decodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { bytesEqual } from '../../encoding/base64url.js';
import { makeClientConfig, toGroupState } from './client-config.js';
import { assertPolicy } from './commit-processing.js';
import { leafIndexOf } from './group-inspect.js';
import { assertIdentityKeyPair, mlsSignatureKeyFromSodium, recordingAuthenticationService } from './identity-binding.js';
import { parseKeyPackage } from './key-package.js';
import { guardMls, guardMlsSync, toMlsError } from './mls-errors.js';
import { MLS_CIPHERSUITE, suiteOrDefault, type MlsSuite } from './mls-suite.js';
import type { MlsCommitPolicy, MlsGroupState, MlsIdentity } from './mls-types.js';
import { MAX_MLS_MESSAGE_BYTES, decodeWire } from './mls-wire.js';
import { decodePrivateKeyPackage } from './private-key-package.js';

export interface JoinFromWelcomeOptions {
  /** TLS-encoded ratchet tree, for a welcome without the ratchet_tree extension. */
  readonly ratchetTree?: Uint8Array;
  readonly suite?: MlsSuite;
}

function decodeTree(bytes: Uint8Array): RatchetTree {
  const malformed = (reason: string): KizunaError => new KizunaError('ENVELOPE_MALFORMED', undefined, { reason });
  if (!(bytes instanceof Uint8Array) || bytes.length > MAX_MLS_MESSAGE_BYTES) throw malformed('bad ratchet tree bytes');
  const decoded = guardMlsSync('ENVELOPE_MALFORMED', () => decodeRatchetTree(bytes, 0));
  if (decoded === undefined || decoded[1] !== bytes.length) throw malformed('undecodable ratchet tree');
  return decoded[0];
}

export async function joinFromWelcome(
  welcome: Uint8Array,
  privatePackage: Uint8Array,
  publicPackage: Uint8Array,
  identity: MlsIdentity,
  policy: MlsCommitPolicy,
  options: JoinFromWelcomeOptions = {},
): Promise<MlsGroupState> {
  assertPolicy(policy);
  const s = await suiteOrDefault(options.suite);
  assertIdentityKeyPair(identity);
  const message = decodeWire(welcome, ['mls_welcome'], 'ENVELOPE_MALFORMED').welcome;
  if (message.cipherSuite !== MLS_CIPHERSUITE) throw new KizunaError('MLS_ERROR', undefined, { reason: 'welcome for another cipher suite' });

  const keys = decodePrivateKeyPackage(privatePackage);
  // The admin checked the lifetime when it added us; a package that expired since is still ours.
  const { keyPackage } = await parseKeyPackage(publicPackage, s, undefined);
  if (!bytesEqual(keys.identity, identity.publicKey) || !bytesEqual(keyPackage.leafNode.signaturePublicKey, identity.publicKey)) {
    throw new KizunaError('KEY_PACKAGE_INVALID', 'This key package belongs to another identity.');
  }
  if (
    !bytesEqual(sodium().crypto_scalarmult_base(keys.initPrivateKey), keyPackage.initKey) ||
    !bytesEqual(sodium().crypto_scalarmult_base(keys.hpkePrivateKey), keyPackage.leafNode.hpkePublicKey)
  ) {
    throw new KizunaError('KEY_PACKAGE_INVALID', 'The private key package does not match the key package.');
  }

  const ref = await guardMls('MLS_ERROR', () => makeKeyPackageRef(keyPackage, s.impl.hash));
  if (!message.secrets.some((secret) => bytesEqual(secret.newMember, ref))) throw new KizunaError('MLS_WELCOME_NOT_FOR_US');

  const tree = options.ratchetTree === undefined ? undefined : decodeTree(options.ratchetTree);
  const { authService, refused } = recordingAuthenticationService(policy.isAllowed);
  let client;
  try {
    client = await joinGroup(
      message,
      keyPackage,
      { initPrivateKey: keys.initPrivateKey, hpkePrivateKey: keys.hpkePrivateKey, signaturePrivateKey: mlsSignatureKeyFromSodium(identity.secretKey) },
      emptyPskIndex,
      s.impl,
      tree,
      undefined,
      makeClientConfig(authService),
    );
  } catch (error) {
    if (refused.length > 0) {
      throw new KizunaError('MLS_ERROR', 'The group has a member who is not listed in it.', { reason: 'credential refused', identities: refused }, { cause: error });
    }
    throw toMlsError(error, 'MLS_ERROR');
  }
  if (leafIndexOf(client.ratchetTree, policy.adminIdentity) === undefined) {
    throw new KizunaError('MLS_ERROR', 'The group admin is not a member of this group.', { reason: 'admin not in tree' });
  }
  return toGroupState(client);
}
