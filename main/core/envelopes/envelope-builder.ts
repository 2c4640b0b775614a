import { blake2b256 } from '../crypto/hash.js';
import { randomBytes } from '../crypto/aead.js';
import { signDetached } from '../crypto/signing.js';
import type { SelfKeys } from '../crypto/self-keys.js';
import { encodeWire } from '../wire/wire-codec.js';
import type { Envelope, EnvelopeType } from '../wire/wire-schemas.js';

export interface BuiltEnvelope {
  envelope: Envelope;
  /** Encoded SignedEnvelope: the bytes that travel and are stored. */
  bytes: Uint8Array;
  /** BLAKE2b-256 of the signed envelope (what the signature covers): the envelope id (for a MESSAGE, the message id). */
  id: Uint8Array;
}

export interface EnvelopeFields {
  groupId: Uint8Array;
  epoch: number;
  type: EnvelopeType;
  /** >= 1 for sequenced channel envelopes, 0 otherwise. */
  seq: number;
  sentAt: number;
  body: Uint8Array;
  /** Direct envelopes: who it is for. */
  recipient?: Uint8Array;
}

/** Signs an envelope with the identity key. Unsequenced envelopes get a random nonce (distinct ids). */
export function buildEnvelope(self: SelfKeys, fields: EnvelopeFields): BuiltEnvelope {
  const envelope: Envelope = {
    version: 1,
    groupId: fields.groupId,
    epoch: fields.epoch,
    sender: self.signPublic,
    seq: fields.seq,
    type: fields.type,
    sentAt: fields.sentAt,
    body: fields.body,
    recipient: fields.recipient ?? new Uint8Array(0),
    nonce: fields.seq === 0 ? randomBytes(16) : new Uint8Array(0),
  };
  const envelopeBytes = encodeWire('Envelope', envelope);
  const signature = signDetached('kizuna/envelope/v1', envelopeBytes, self.signSecret);
  const bytes = encodeWire('SignedEnvelope', { envelope: envelopeBytes, signature });
  return { envelope, bytes, id: blake2b256(envelopeBytes) };
}
