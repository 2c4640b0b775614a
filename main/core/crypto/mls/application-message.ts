/**
 * Application messages: MLS PrivateMessages (RFC 9420 §6.3) carrying the plaintext, with the sender's
 * authenticated data in the clear. Each encrypt and decrypt advances a ratchet, so the returned state
 * must replace (and be persisted over) the given one; decrypting the same ciphertext twice fails
 * (its key is consumed).
 *
 * Messages of an older epoch decrypt while that epoch's keys are retained (MLS_KEY_RETENTION), with the
 * membership of that epoch: the sender must have been a member then.
 */
import { createApplicationMessage, type ClientState } from 'ts-mls';
import { unprotectPrivateMessage } from 'ts-mls/messageProtection.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { bytesEqual } from '../../encoding/base64url.js';
import { MLS_KEY_RETENTION, clientView, toGroupState } from './client-config.js';
import { isRemovedFromGroup, leafIdentity } from './group-inspect.js';
import { guardMls } from './mls-errors.js';
import { suiteOrDefault, type MlsSuite } from './mls-suite.js';
import type { MlsDecrypted, MlsDecryptedUnchecked, MlsEncrypted, MlsGroupState, MlsSignatureCheck } from './mls-types.js';
import { decodeWire, encodeWire } from './mls-wire.js';

const EMPTY = new Uint8Array(0);

export async function encryptApplication(
  state: MlsGroupState,
  plaintext: Uint8Array,
  authenticatedData: Uint8Array = EMPTY,
  suite?: MlsSuite,
): Promise<MlsEncrypted> {
  if (!(plaintext instanceof Uint8Array) || !(authenticatedData instanceof Uint8Array)) throw new KizunaError('INVALID_INPUT');
  if (isRemovedFromGroup(state)) throw new KizunaError('GROUP_LEFT');
  const s = await suiteOrDefault(suite);
  const result = await guardMls('MLS_ERROR', () => createApplicationMessage(clientView(state), plaintext, s.impl, authenticatedData));
  return {
    state: toGroupState(result.newState),
    ciphertext: encodeWire({ wireformat: 'mls_private_message', privateMessage: result.privateMessage }),
  };
}

function decryptFailed(reason: string, extra?: Record<string, unknown>): KizunaError {
  return new KizunaError('DECRYPT_FAILED', undefined, { ...extra, reason });
}

/** Decrypts and verifies the sender's signature; DECRYPT_FAILED when it does not hold. */
export async function decryptApplication(state: MlsGroupState, ciphertext: Uint8Array, suite?: MlsSuite): Promise<MlsDecrypted> {
  const out = await decryptApplicationUnchecked(state, ciphertext, suite);
  if (!(await verifyMlsSignature(out.signature, suite))) throw decryptFailed('signature invalid', { messageEpoch: Number(out.epoch) });
  const { signature: _checked, ...decrypted } = out;
  return decrypted;
}

/** Whether an MLS signature holds, verified by the suite's own provider. */
export async function verifyMlsSignature(check: MlsSignatureCheck, suite?: MlsSuite): Promise<boolean> {
  const s = await suiteOrDefault(suite);
  return s.impl.signature.verify(check.publicKey, check.message, check.signature);
}

/**
 * Decrypts like decryptApplication but leaves the sender's signature to the caller: it is returned,
 * not verified (issue 13: the inbox verifies a batch's signatures on another thread). Until the caller
 * has verified it, nothing of the message may be shown or acted on. The returned state has consumed
 * the message's key whether or not the signature holds: the sender is the leaf whose key the caller
 * checks it against, so a bad signature can only cost that sender one of its own generations.
 */
export async function decryptApplicationUnchecked(state: MlsGroupState, ciphertext: Uint8Array, suite?: MlsSuite): Promise<MlsDecryptedUnchecked> {
  const s = await suiteOrDefault(suite);
  const message = decodeWire(ciphertext, ['mls_private_message'], 'ENVELOPE_MALFORMED').privateMessage;
  const client = clientView(state);
  const current = client.groupContext.epoch;
  if (!bytesEqual(message.groupId, client.groupContext.groupId)) throw decryptFailed('message for another group');
  if (message.contentType !== 'application') throw decryptFailed(`not an application message but ${message.contentType}`);

  const epochs = { messageEpoch: Number(message.epoch), currentEpoch: Number(current) };
  let source: Pick<ClientState, 'secretTree' | 'ratchetTree' | 'groupContext'> & { senderDataSecret: Uint8Array };
  if (message.epoch === current) {
    source = { ...client, senderDataSecret: client.keySchedule.senderDataSecret };
  } else {
    const past = message.epoch < current ? client.historicalReceiverData.get(message.epoch) : undefined;
    if (past === undefined) {
      throw new KizunaError('ENVELOPE_WRONG_EPOCH', undefined, { ...epochs, reason: message.epoch > current ? 'epoch not reached yet' : 'epoch keys no longer kept' });
    }
    source = past;
  }

  // ts-mls verifies the framed content's signature as its last step: here that step records what it
  // would verify and lets the message through, and the caller verifies it.
  const captured: MlsSignatureCheck[] = [];
  const capture = { ...s.impl, signature: { ...s.impl.signature, verify: async (publicKey: Uint8Array, signed: Uint8Array, signature: Uint8Array) => {
    captured.push({ publicKey, message: signed, signature });
    return true;
  } } };
  const result = await guardMls(
    'DECRYPT_FAILED',
    () => unprotectPrivateMessage(source.senderDataSecret, message, source.secretTree, source.ratchetTree, source.groupContext, MLS_KEY_RETENTION, capture),
    epochs,
  );
  const signature = captured.length === 1 ? captured[0] : undefined;
  if (signature === undefined) throw decryptFailed(`expected one signature to verify, found ${captured.length}`, epochs);
  const content = result.content.content;
  if (content.contentType !== 'application') throw decryptFailed('content type mismatch', epochs);
  const senderIdentity = content.sender.senderType === 'member' ? leafIdentity(source.ratchetTree, content.sender.leafIndex) : undefined;
  if (senderIdentity === undefined) throw decryptFailed('sender is not a member', epochs);

  const next: ClientState =
    message.epoch === current
      ? { ...client, secretTree: result.tree }
      : { ...client, historicalReceiverData: new Map(client.historicalReceiverData).set(message.epoch, { ...client.historicalReceiverData.get(message.epoch)!, secretTree: result.tree }) };
  return {
    state: toGroupState(next),
    plaintext: content.applicationData,
    senderIdentity: senderIdentity.slice(),
    authenticatedData: message.authenticatedData,
    epoch: message.epoch,
    signature,
  };
}
