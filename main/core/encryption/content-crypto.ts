import { KizunaError, isKizunaError } from '../../../shared/errors/kizuna-error.js';
import { aeadDecrypt, aeadEncrypt } from '../crypto/aead.js';
import * as mls from '../crypto/mls/index.js';
import { bytesEqual } from '../encoding/base64url.js';
import { contentAssociatedData } from '../envelopes/envelope-reader.js';
import type { GroupRow } from '../store/tables/groups-table.js';
import type { Store } from '../store/store.js';
import type { Envelope, EnvelopeType } from '../wire/wire-schemas.js';
import type { MlsStates } from '../kernel/mls-states.js';
import { loadEpochSecret } from './sealed-secrets.js';

/**
 * Encrypts and decrypts envelope bodies in the group's mode. The associated data binds every
 * ciphertext to (group, epoch, sender, seq, type), so a member cannot re-wrap someone else's.
 */
export interface ContentCryptoDeps {
  store: Store;
  mlsStates: MlsStates;
  selfId: () => Uint8Array;
}

export interface SealedBody {
  body: Uint8Array;
  epoch: number;
  /** Records the advanced MLS state; call inside the transaction that queues the envelope. */
  persist(): void;
  /**
   * Makes the advanced MLS state the one the next encryption starts from, in memory only (several
   * bodies sealed before one transaction); `persist` of the last one must still run in the
   * transaction that queues them.
   */
  hold(): void;
}

export async function sealBody(deps: ContentCryptoDeps, group: GroupRow, type: EnvelopeType, seq: number, sentAt: number, plaintext: Uint8Array): Promise<SealedBody> {
  const sender = deps.selfId();
  switch (group.mode) {
    case 'none':
      return { body: plaintext, epoch: group.epoch, persist: () => undefined, hold: () => undefined };
    case 'sealed': {
      const secret = loadEpochSecret(deps.store, group.groupId, group.epoch);
      if (secret === undefined) throw new KizunaError('SECRET_MISSING', undefined, { epoch: group.epoch });
      const ad = contentAssociatedData({ groupId: group.groupId, epoch: group.epoch, sender, seq, type, sentAt });
      return { body: aeadEncrypt(secret, plaintext, ad), epoch: group.epoch, persist: () => undefined, hold: () => undefined };
    }
    case 'mls': {
      const current = deps.mlsStates.current(group.groupId);
      if (current === undefined) throw new KizunaError('GROUP_LEFT', 'This device has not joined the group yet.');
      const ad = contentAssociatedData({ groupId: group.groupId, epoch: current.epoch, sender, seq, type, sentAt });
      const out = await mls.encryptApplication(current.state, plaintext, ad);
      return {
        body: out.ciphertext,
        epoch: current.epoch,
        persist: () => deps.mlsStates.put(group.groupId, current.epoch, out.state),
        hold: () => deps.mlsStates.hold(group.groupId, current.epoch, out.state),
      };
    }
  }
}

/**
 * An opened body. An MLS one comes with its sender's inner signature still to verify (`signature`):
 * the caller verifies it before anything of the content is shown or acted on (see
 * ingest/inner-signatures.ts), and refuses the content if it does not hold.
 */
export type OpenedBody =
  | { kind: 'ok'; plaintext: Uint8Array; persist(): void; signature?: mls.MlsSignatureCheck }
  | { kind: 'defer'; reason: string }
  | { kind: 'drop'; reason: string };

export async function openBody(deps: ContentCryptoDeps, group: GroupRow, e: Envelope): Promise<OpenedBody> {
  const ad = contentAssociatedData(e);
  switch (group.mode) {
    case 'none':
      return { kind: 'ok', plaintext: e.body, persist: () => undefined };
    case 'sealed': {
      const secret = loadEpochSecret(deps.store, group.groupId, e.epoch);
      if (secret === undefined) return { kind: 'defer', reason: 'secret-missing' };
      const plaintext = aeadDecrypt(secret, e.body, ad);
      return plaintext === undefined ? { kind: 'drop', reason: 'decrypt-failed' } : { kind: 'ok', plaintext, persist: () => undefined };
    }
    case 'mls': {
      const current = deps.mlsStates.current(group.groupId);
      if (current === undefined) return { kind: 'defer', reason: 'not-joined' };
      if (e.epoch > current.epoch) return { kind: 'defer', reason: 'epoch-ahead' };
      // Older epochs: the current state keeps a few epochs of receiver keys; beyond that, the
      // state stored for that epoch still can.
      const state = e.epoch === current.epoch ? current.state : deps.mlsStates.atEpoch(group.groupId, e.epoch) ?? current.state;
      let out: mls.MlsDecryptedUnchecked;
      try {
        out = await mls.decryptApplicationUnchecked(state, e.body);
      } catch (err) {
        if (isKizunaError(err, 'ENVELOPE_WRONG_EPOCH')) return { kind: 'drop', reason: 'epoch-unreadable' };
        if (isKizunaError(err)) return { kind: 'drop', reason: 'decrypt-failed' };
        throw err;
      }
      if (!bytesEqual(out.senderIdentity, e.sender)) return { kind: 'drop', reason: 'mls-sender-mismatch' };
      if (!bytesEqual(out.authenticatedData, ad) || Number(out.epoch) !== e.epoch) return { kind: 'drop', reason: 'mls-header-mismatch' };
      const epochOfState = Number(mls.epochOf(out.state));
      if (state === current.state) {
        // The current state: kept in memory at once (the next message decrypts from it) and stored
        // with the batch this message is committed in.
        deps.mlsStates.advance(group.groupId, epochOfState, out.state);
        return { kind: 'ok', plaintext: out.plaintext, persist: () => undefined, signature: out.signature };
      }
      return { kind: 'ok', plaintext: out.plaintext, persist: () => deps.mlsStates.put(group.groupId, epochOfState, out.state), signature: out.signature };
    }
  }
}
