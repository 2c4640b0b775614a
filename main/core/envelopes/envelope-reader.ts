import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { blake2b256 } from '../crypto/hash.js';
import { utf8 } from '../encoding/base64url.js';
import { verifyDetached } from '../crypto/signing.js';
import { decodeWire, encodeWire } from '../wire/wire-codec.js';
import { envelopeSchema, envelopeTypeSchema, MAX_ENVELOPE_BYTES, signedEnvelopeSchema, type Envelope } from '../wire/wire-schemas.js';
import type { CheckedSignatures } from './checked-signatures.js';

export interface VerifiedEnvelope {
  envelope: Envelope;
  /** BLAKE2b-256 of the signed envelope (the bytes the signature covers, not the signature). */
  id: Uint8Array;
  bytes: Uint8Array;
  /**
   * Whether the outer Ed25519 signature was checked: always, in every mode (MLS messages too: the
   * id is the hash of the signed bytes, so only the signature pins them), except for an envelope
   * the inbox already holds byte for byte (a replay, refused without the cost of verifying it).
   */
  signatureChecked: boolean;
  /** Set by the inbox: this envelope was deferred before (its content may be held, decrypted). */
  deferredBefore?: boolean;
}

type Decoded = { envelope: Envelope; signed: { envelope: Uint8Array; signature: Uint8Array } };

/**
 * Envelopes decoded lately, by their exact bytes. One received envelope is decoded by the router
 * (routing), admission, the router again (before an ack) and the inbox: the decode, with its
 * canonical-encoding check, is a pure function of the bytes, so the later ones take the first one's
 * result. Only successes are kept, bounded (oldest out), and only bytes that do not hold a larger
 * buffer alive (decoded fields are views into it).
 */
const decoded = new Map<string, Decoded>();
const DECODED_MAX = 2_048;
const DECODED_MAX_BUFFER = 16 * 1024;

function decodeEnvelope(bytes: Uint8Array): Decoded {
  if (bytes.byteLength > MAX_ENVELOPE_BYTES) throw new KizunaError('ENVELOPE_TOO_LARGE', undefined, { size: bytes.byteLength });
  const cacheable = bytes.buffer.byteLength <= DECODED_MAX_BUFFER;
  const key = cacheable ? asBuffer(bytes).toString('latin1') : '';
  const hit = cacheable ? decoded.get(key) : undefined;
  if (hit !== undefined) return hit;
  const result = decodeFresh(bytes);
  if (cacheable) {
    if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value as string);
    decoded.set(key, result);
  }
  return result;
}

function decodeFresh(bytes: Uint8Array): Decoded {
  const signed = decodeWire('SignedEnvelope', signedEnvelopeSchema, bytes);
  const envelope = decodeWire('Envelope', envelopeSchema, signed.envelope);
  // One message, one encoding: anything a decoder would skip or re-order (unknown fields, repeated
  // fields, long varints) could otherwise give one signed content several ids and stored forms.
  if (!sameBytes(encodeWire('Envelope', envelope), signed.envelope) || !sameBytes(encodeWire('SignedEnvelope', signed), bytes)) {
    throw new KizunaError('ENVELOPE_MALFORMED', undefined, { reason: 'not canonically encoded' });
  }
  if ((envelope.seq === 0) === (envelope.nonce.byteLength === 0)) {
    throw new KizunaError('ENVELOPE_MALFORMED', undefined, { reason: 'a sequenced envelope has no nonce; an unsequenced one has one' });
  }
  return { envelope, signed };
}

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
/** Public bytes compared natively (bytesEqual's constant-time loop is for secrets). */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => asBuffer(a).equals(b);

/**
 * Decodes untrusted bytes into an envelope whose signature holds for its sender. Whether the sender
 * may send it (membership, replay) is the ingest pipeline's question, not this function's.
 */
export function readEnvelope(
  bytes: Uint8Array,
  options: { verify?: (e: Envelope, id: Uint8Array) => boolean; checked?: CheckedSignatures } = {},
): VerifiedEnvelope {
  const { envelope, signed } = decodeEnvelope(bytes);
  const id = blake2b256(signed.envelope);
  const verify = options.verify?.(envelope, id) ?? true;
  if (verify && options.checked?.has(id, signed.signature) !== true) {
    checkSignature(envelope, signed);
    options.checked?.add(id, signed.signature);
  }
  return { envelope, id, bytes, signatureChecked: verify };
}

function checkSignature(envelope: Envelope, signed: { envelope: Uint8Array; signature: Uint8Array }): void {
  if (!verifyDetached('kizuna/envelope/v1', signed.envelope, signed.signature, envelope.sender)) throw new KizunaError('ENVELOPE_BAD_SIGNATURE');
}

/**
 * The (id, signature) pair of an envelope whose signature holds, decoded and checked exactly as
 * `readEnvelope` does (signature workers answer with these; see checked-signatures.ts). Throws as it does.
 */
export function verifiedPair(bytes: Uint8Array): { id: Uint8Array; signature: Uint8Array } {
  const { envelope, signed } = decodeEnvelope(bytes);
  checkSignature(envelope, signed);
  return { id: blake2b256(signed.envelope), signature: signed.signature };
}

/** An envelope decoded without its signature checked, and its id. */
export type PeekedEnvelope = Envelope & { id: Uint8Array };

/**
 * Decodes an envelope WITHOUT checking its signature, for routing only (which handler, which
 * group, which id to acknowledge). Nothing read this way may be trusted.
 */
export function peekEnvelope(bytes: Uint8Array): PeekedEnvelope {
  const { envelope, signed } = decodeEnvelope(bytes);
  return { ...envelope, id: blake2b256(signed.envelope) };
}

/**
 * Associated data binding a ciphertext to its envelope header (group, epoch, sender, sequence,
 * type, send time), so it cannot be re-wrapped by another sender or re-dated.
 */
const AD_LABEL = utf8('kizuna/ad/v2\0\0');

export function contentAssociatedData(e: Pick<Envelope, 'groupId' | 'epoch' | 'sender' | 'seq' | 'type' | 'sentAt'>): Uint8Array {
  const out = new Uint8Array(14 + 32 + 8 + 32 + 8 + 1 + 8);
  const view = new DataView(out.buffer);
  out.set(AD_LABEL, 0);
  out.set(e.groupId, 14);
  view.setBigUint64(46, BigInt(e.epoch));
  out.set(e.sender, 54);
  view.setBigUint64(86, BigInt(e.seq));
  out[94] = envelopeTypeSchema.options.indexOf(e.type) + 1;
  view.setBigUint64(95, BigInt(e.sentAt));
  return out;
}
