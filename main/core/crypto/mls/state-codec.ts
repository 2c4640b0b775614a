/**
 * Group state persistence. The blob is
 *
 *   "KZMS" | u8 format version (1) | u16 cipher suite (0x0001) | ts-mls 1.x GroupState (TLS encoding)
 *
 * where the GroupState (ts-mls's own encodeGroupState) holds: the group context (group id, epoch, tree
 * hash, confirmed transcript hash, extensions), the key schedule secrets of the current epoch, the secret
 * tree (per-member handshake/application ratchets, with retained skipped-generation keys), the public
 * ratchet tree, this member's private HPKE path keys, unapplied proposals (always empty here), the
 * confirmation tag, the receiver data of up to MLS_KEY_RETENTION.retainKeysForEpochs past epochs (their
 * secret trees, ratchet trees, sender-data secrets, group contexts) and whether the member is active or
 * removed. It is secret: the engine encrypts it at rest.
 *
 * The leaf signature key is NOT in the blob (it is the identity secret key, which the engine keeps in
 * one place); deserializeState takes the identity and puts it back. The ts-mls ClientConfig (functions)
 * is not in it either; BASE_CLIENT_CONFIG is attached on load.
 *
 * The state changes on every encrypt and decrypt (ratchets advance), not only per epoch: persist the
 * state an operation returns before sending its output or acknowledging its input.
 */
import { decodeGroupState, type ClientState, type EpochReceiverData, type RatchetTree, type SecretTree, type SecretTreeNode } from 'ts-mls';
import { uint64Encoder } from 'ts-mls/codec/number.js';
import { encode } from 'ts-mls/codec/tlsEncoder.js';
import { varLenDataEncoder } from 'ts-mls/codec/variableLength.js';
import { groupActiveStateEncoder } from 'ts-mls/groupActiveState.js';
import { groupContextEncoder } from 'ts-mls/groupContext.js';
import { keyScheduleEncoder } from 'ts-mls/keySchedule.js';
import { privateKeyPathEncoder } from 'ts-mls/privateKeyPath.js';
import { ratchetTreeEncoder } from 'ts-mls/ratchetTree.js';
import { secretTreeNodeEncoder } from 'ts-mls/secretTree.js';
import { unappliedProposalsEncoder } from 'ts-mls/unappliedProposals.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { bytesEqual, concatBytes } from '../../encoding/base64url.js';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { clientView, toGroupState } from './client-config.js';
import { leafIdentity } from './group-inspect.js';
import { assertIdentityShape, mlsSignatureKeyFromSodium } from './identity-binding.js';
import { guardMlsSync } from './mls-errors.js';
import { MLS_CIPHERSUITE } from './mls-suite.js';
import type { MlsGroupState, MlsIdentity } from './mls-types.js';

const MAGIC = Uint8Array.from([0x4b, 0x5a, 0x4d, 0x53]); // "KZMS"
/** 1 = ts-mls 1.x GroupState encoding. Bump (and migrate) if a ts-mls upgrade changes that encoding. */
export const MLS_STATE_FORMAT_VERSION = 1;
const SUITE_ID = 0x0001;

/**
 * Memoises an encoding by object identity. ts-mls never mutates a state in place (every operation
 * spreads a new one and shares the parts it did not change), so a part encoded once stays valid. This
 * matters because the engine serialises after every message: then only the secret-tree node that the
 * message ratcheted is encoded again, while the ratchet tree and the past epochs (most of the blob) are
 * reused, and after a commit the new past epoch reuses the encodings of the trees it was made of.
 */
function memoised<T extends object>(encodeValue: (value: T) => Uint8Array): (value: T) => Uint8Array {
  const cache = new WeakMap<T, Uint8Array>();
  return (value) => {
    let bytes = cache.get(value);
    if (bytes === undefined) {
      bytes = encodeValue(value);
      cache.set(value, bytes);
    }
    return bytes;
  };
}

const encodeVarLen = encode(varLenDataEncoder);
const encodeUint64 = encode(uint64Encoder);
const encodeGroupContext = encode(groupContextEncoder);
const encodeRatchetTree = memoised<RatchetTree>(encode(ratchetTreeEncoder));
const encodeSecretTreeNode = memoised<SecretTreeNode>(encode(secretTreeNodeEncoder));
// A TLS vector<T> is its length followed by its elements: encodeVarLen of their concatenation.
const encodeSecretTree = memoised<SecretTree>((tree) => encodeVarLen(concatBytes(...tree.map(encodeSecretTreeNode))));
// Field order of ts-mls's epochReceiverDataEncoder.
const encodeEpochReceiverData = memoised<EpochReceiverData>((data) =>
  concatBytes(
    encodeVarLen(data.resumptionPsk),
    encodeSecretTree(data.secretTree),
    encodeRatchetTree(data.ratchetTree),
    encodeVarLen(data.senderDataSecret),
    encodeGroupContext(data.groupContext),
  ),
);

/**
 * ts-mls's encodeGroupState (field order of its groupStateEncoder), byte for byte
 * (test/unit/core/crypto/mls/state-codec.test.ts checks it), built from memoised parts, with an
 * empty signature key.
 */
function encodeGroupStateWithoutSignatureKey(client: ClientState): Uint8Array {
  const pastEpochs = [...client.historicalReceiverData].map(([epoch, data]) => concatBytes(encodeUint64(epoch), encodeEpochReceiverData(data)));
  return concatBytes(
    encodeGroupContext(client.groupContext),
    encode(keyScheduleEncoder)(client.keySchedule),
    encodeSecretTree(client.secretTree),
    encodeRatchetTree(client.ratchetTree),
    encode(privateKeyPathEncoder)(client.privatePath),
    encodeVarLen(new Uint8Array(0)),
    encode(unappliedProposalsEncoder)(client.unappliedProposals),
    encodeVarLen(client.confirmationTag),
    encodeVarLen(concatBytes(...pastEpochs)),
    encode(groupActiveStateEncoder)(client.groupActiveState),
  );
}

export function serializeState(state: MlsGroupState): Uint8Array {
  return new ByteWriter()
    .bytes(MAGIC)
    .u8(MLS_STATE_FORMAT_VERSION)
    .u16(SUITE_ID)
    .bytes(encodeGroupStateWithoutSignatureKey(clientView(state)))
    .finish();
}

/**
 * Loads a blob written by serializeState, for `identity` (the identity that owns the state).
 * Throws KizunaError('STORE_CORRUPT') for a damaged blob, 'STORE_NEWER_SCHEMA' for an unknown format
 * version, 'INVALID_INPUT' when the state belongs to another identity.
 */
export function deserializeState(bytes: Uint8Array, identity: MlsIdentity): MlsGroupState {
  assertIdentityShape(identity);
  const corrupt = (reason: string): KizunaError => new KizunaError('STORE_CORRUPT', 'A stored group encryption state is damaged.', { reason });
  if (!(bytes instanceof Uint8Array)) throw corrupt('not bytes');
  const reader = new ByteReader(bytes, corrupt);
  const magic = reader.bytes(MAGIC.length);
  if (!bytesEqual(magic, MAGIC)) throw corrupt('bad magic');
  const version = reader.u8();
  if (version !== MLS_STATE_FORMAT_VERSION) {
    throw new KizunaError('STORE_NEWER_SCHEMA', 'A stored group encryption state has a format this version cannot read.', { version });
  }
  if (reader.u16() !== SUITE_ID) throw corrupt('unknown cipher suite');
  const body = reader.rest();
  const decoded = guardMlsSync('STORE_CORRUPT', () => decodeGroupState(body, 0));
  if (decoded === undefined || decoded[1] !== body.length) throw corrupt('undecodable group state');
  const groupState = decoded[0];
  if (groupState.groupContext.cipherSuite !== MLS_CIPHERSUITE) throw corrupt('unexpected cipher suite');
  if (groupState.signaturePrivateKey.length !== 0) throw corrupt('signature key present in blob');
  const own = leafIdentity(groupState.ratchetTree, groupState.privatePath.leafIndex);
  // A removed member's leaf is blank; otherwise the leaf must be this identity's.
  if (own !== undefined && !bytesEqual(own, identity.publicKey)) {
    throw new KizunaError('INVALID_INPUT', 'This group encryption state belongs to another identity.');
  }
  return toGroupState({ ...groupState, signaturePrivateKey: mlsSignatureKeyFromSodium(identity.secretKey) });
}
