import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { blake2b256 } from '../crypto/hash.js';
import { utf8 } from '../encoding/base64url.js';
import { verifyDetached } from '../crypto/signing.js';
import { envelopeTypeSchema, MAX_ENVELOPE_BYTES, type Envelope } from '../wire/wire-schemas.js';
import { readCanonicalEnvelope, readSignedEnvelope } from './canonical-envelope.js';
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
  /**
   * Set by the inbox (decode-in-order.ts): the channel log holds this very envelope as WAITING and this is the
   * row that waits, woken; it is decided again, not refused as a replay of its own entry.
   */
  waitingHeld?: boolean;
}

interface Decoded {
  envelope: Envelope;
  signed: { envelope: Uint8Array; signature: Uint8Array };
  /** Its id, hashed on first need (routing and admission need it; a refused envelope may not). */
  id?: Uint8Array;
}

/**
 * Envelopes decoded lately, by the very Uint8Array: one received envelope is read by the router
 * (routing), admission, the held-replay check, direct intake and the router again (before an ack),
 * the same object handed along the receive path. The decode and the id's hash are pure functions of
 * the bytes, so the later reads take the first one's result. The entry holds a copy of the bytes and
 * is used only while they still match, so a buffer written to after it was read is decoded afresh,
 * never answered for what it held before. Decoded fields are views into that copy: a remembered
 * result never keeps alive the far larger buffer grpc-js hands a frame over in.
 *
 * Other objects with the same bytes (the inbox's stored row, a replay) are decoded again: the canonical
 * reader takes ~2 µs, less than remembering by content did (a copy, a string key and a map of 8,192).
 */
const byObject = new WeakMap<Uint8Array, { copy: Buffer; result: Decoded }>();

function decodeEnvelope(bytes: Uint8Array): Decoded {
  if (bytes.byteLength > MAX_ENVELOPE_BYTES) throw new KizunaError('ENVELOPE_TOO_LARGE', undefined, { size: bytes.byteLength });
  const seen = byObject.get(bytes);
  if (seen !== undefined && seen.copy.equals(bytes)) return seen.result;
  const copy = Buffer.from(bytes);
  const result = decodeFresh(copy);
  byObject.set(bytes, { copy, result });
  return result;
}

/** The envelope's id (BLAKE2b-256 of the signed envelope), hashed once per decode. */
function idOf(d: Decoded): Uint8Array {
  d.id ??= blake2b256(d.signed.envelope);
  return d.id;
}

function decodeFresh(bytes: Uint8Array): Decoded {
  // One message, one encoding (canonical-envelope.ts): anything a decoder would skip or re-order (unknown
  // fields, repeated fields, long varints) could otherwise give one signed content several ids and stored forms.
  const signed = readSignedEnvelope(bytes);
  const envelope = readCanonicalEnvelope(signed.envelope);
  if ((envelope.seq === 0) === (envelope.nonce.byteLength === 0)) {
    throw new KizunaError('ENVELOPE_MALFORMED', undefined, { reason: 'a sequenced envelope has no nonce; an unsequenced one has one' });
  }
  return { envelope, signed };
}

/**
 * Decodes untrusted bytes into an envelope whose signature holds for its sender. Whether the sender
 * may send it (membership, replay) is the ingest pipeline's question, not this function's.
 */
export function readEnvelope(
  bytes: Uint8Array,
  options: { verify?: (e: Envelope, id: Uint8Array) => boolean; checked?: CheckedSignatures } = {},
): VerifiedEnvelope {
  const d = decodeEnvelope(bytes);
  const { envelope, signed } = d;
  const id = idOf(d);
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
  const d = decodeEnvelope(bytes);
  checkSignature(d.envelope, d.signed);
  return { id: idOf(d), signature: d.signed.signature };
}

/** An envelope decoded without its signature checked, and its id. */
export type PeekedEnvelope = Envelope & { id: Uint8Array };

/**
 * Decodes an envelope WITHOUT checking its signature, for routing only (which handler, which
 * group, which id to acknowledge). Nothing read this way may be trusted.
 */
export function peekEnvelope(bytes: Uint8Array): PeekedEnvelope {
  const d = decodeEnvelope(bytes);
  return { ...d.envelope, id: idOf(d) };
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
