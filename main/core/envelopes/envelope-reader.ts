import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { blake2b256 } from '../crypto/hash.js';
import { verifyDetached } from '../crypto/signing.js';
import { decodeWire } from '../wire/wire-codec.js';
import { envelopeSchema, envelopeTypeSchema, MAX_ENVELOPE_BYTES, signedEnvelopeSchema, type Envelope } from '../wire/wire-schemas.js';

export interface VerifiedEnvelope {
  envelope: Envelope;
  id: Uint8Array;
  bytes: Uint8Array;
}

/**
 * Decodes untrusted bytes into an envelope whose signature holds for its sender. Whether the sender
 * may send it (membership, replay) is the ingest pipeline's question, not this function's.
 */
export function readEnvelope(bytes: Uint8Array): VerifiedEnvelope {
  if (bytes.byteLength > MAX_ENVELOPE_BYTES) throw new KizunaError('ENVELOPE_TOO_LARGE', undefined, { size: bytes.byteLength });
  const signed = decodeWire('SignedEnvelope', signedEnvelopeSchema, bytes);
  const envelope = decodeWire('Envelope', envelopeSchema, signed.envelope);
  if (!verifyDetached('kizuna/envelope/v1', signed.envelope, signed.signature, envelope.sender)) {
    throw new KizunaError('ENVELOPE_BAD_SIGNATURE');
  }
  if ((envelope.seq === 0) === (envelope.nonce.byteLength === 0)) {
    throw new KizunaError('ENVELOPE_MALFORMED', undefined, { reason: 'a sequenced envelope has no nonce; an unsequenced one has one' });
  }
  return { envelope, id: blake2b256(bytes), bytes };
}

/**
 * Decodes an envelope WITHOUT checking its signature, for routing only (which handler, which
 * group). Nothing read this way may be trusted; the handler reads it again with readEnvelope.
 */
export function peekEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.byteLength > MAX_ENVELOPE_BYTES) throw new KizunaError('ENVELOPE_TOO_LARGE', undefined, { size: bytes.byteLength });
  return decodeWire('Envelope', envelopeSchema, decodeWire('SignedEnvelope', signedEnvelopeSchema, bytes).envelope);
}

/** Associated data binding a ciphertext to its envelope header, so it cannot be re-wrapped by another sender. */
export function contentAssociatedData(e: Pick<Envelope, 'groupId' | 'epoch' | 'sender' | 'seq' | 'type'>): Uint8Array {
  const out = new Uint8Array(14 + 32 + 8 + 32 + 8 + 1);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('kizuna/ad/v1\0\0'), 0);
  out.set(e.groupId, 14);
  view.setBigUint64(46, BigInt(e.epoch));
  out.set(e.sender, 54);
  view.setBigUint64(86, BigInt(e.seq));
  out[94] = envelopeTypeSchema.options.indexOf(e.type) + 1;
  return out;
}
