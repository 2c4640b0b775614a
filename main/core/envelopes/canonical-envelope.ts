import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { kizunaProto } from '../wire/proto-root.js';
import { envelopeTypeSchema, MAX_ENVELOPE_BYTES, type Envelope, type EnvelopeType } from '../wire/wire-schemas.js';

/**
 * Reads a SignedEnvelope and the Envelope it signs in their one canonical encoding, and nothing else
 * (issue 13: every received envelope is read here; protobufjs's decode, its object conversion, the
 * schema, and the two re-encodings that proved the bytes canonical were a fifth of the ingest loop).
 *
 * Canonical is what our encoder writes (protobufjs, proto3): the fields in ascending order, each at
 * most once, a field present exactly when its value is not the default (0, empty), varints and lengths
 * in their shortest form, no unknown fields. Only then has one signed content one id and one stored
 * form. What is accepted, and what it decodes to, is exactly what `decodeWire` with the wire schemas
 * accepted and then found re-encoding to the same bytes: `test/fuzz/canonical-envelope.test.ts` holds
 * the two readers to the same verdicts and values on valid, hand-built and mutated bytes.
 *
 * Bytes fields are views into `bytes` (as protobufjs gave them).
 */

/** Field tags (field number << 3 | wire type) in the order they must come. */
const TAG = { version: 0x08, groupId: 0x12, epoch: 0x18, sender: 0x22, seq: 0x28, type: 0x30, sentAt: 0x38, body: 0x42, recipient: 0x4a, nonce: 0x52 } as const;
const SIGNED_ENVELOPE_TAG = 0x0a;
const SIGNATURE_TAG = 0x12;
const MAX_BODY_BYTES = MAX_ENVELOPE_BYTES - 1024;

/** EnvelopeType's wire numbers, from kizuna.proto, for the names the schema knows (UNSPECIFIED is not one). */
let typeByNumber: Map<number, EnvelopeType> | undefined;
function typeOfNumber(n: number): EnvelopeType | undefined {
  if (typeByNumber === undefined) {
    const values = kizunaProto().lookupEnum('kizuna.v1.EnvelopeType').values;
    typeByNumber = new Map(envelopeTypeSchema.options.map((name) => [values[name]!, name]));
  }
  return typeByNumber.get(n);
}

const malformed = (reason: string): KizunaError => new KizunaError('ENVELOPE_MALFORMED', undefined, { reason });

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** A cursor over one message's bytes. */
class Cursor {
  at = 0;
  constructor(readonly bytes: Buffer) {}

  get done(): boolean {
    return this.at === this.bytes.byteLength;
  }

  /** Takes `tag` if it comes next: the field is present. */
  take(tag: number): boolean {
    if (this.at < this.bytes.byteLength && this.bytes[this.at] === tag) {
      this.at += 1;
      return true;
    }
    return false;
  }

  /** A varint in its shortest form whose value is a safe integer (safe integers take at most 8 bytes). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.at >= this.bytes.byteLength) throw malformed('truncated');
      const byte = this.bytes[this.at++]!;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) throw malformed('not canonically encoded');
        if (!Number.isSafeInteger(value)) throw malformed('integer too large');
        return value;
      }
      scale *= 128;
    }
    throw malformed('integer too large');
  }

  /** A present scalar field: not the default (an encoder leaves 0 out). */
  nonZero(): number {
    const value = this.varint();
    if (value === 0) throw malformed('not canonically encoded');
    return value;
  }

  /** A present bytes field: its length, then that many bytes, not empty (an encoder leaves empty bytes out). */
  bytesField(): Buffer {
    const length = this.varint();
    if (length === 0) throw malformed('not canonically encoded');
    if (length > this.bytes.byteLength - this.at) throw malformed('truncated');
    const view = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return view;
  }

  /** An absent bytes field: empty, as the decoder gave it. */
  none(): Buffer {
    return this.bytes.subarray(this.at, this.at);
  }
}

function exactly(view: Buffer, length: number, what: string): Buffer {
  if (view.byteLength !== length) throw malformed(`expected ${what}`);
  return view;
}

/** The envelope signed, and its signature. Throws ENVELOPE_MALFORMED unless `bytes` is a canonical SignedEnvelope. */
export function readSignedEnvelope(bytes: Uint8Array): { envelope: Buffer; signature: Buffer } {
  const c = new Cursor(asBuffer(bytes));
  if (!c.take(SIGNED_ENVELOPE_TAG)) throw malformed('not canonically encoded');
  const envelope = c.bytesField();
  if (!c.take(SIGNATURE_TAG)) throw malformed('expected a 64-byte signature');
  const signature = exactly(c.bytesField(), 64, 'a 64-byte signature');
  if (!c.done) throw malformed('not canonically encoded');
  return { envelope, signature };
}

/** The envelope in `bytes`, validated as the wire schema does. Throws ENVELOPE_MALFORMED unless it is canonically encoded. */
export function readCanonicalEnvelope(bytes: Uint8Array): Envelope {
  const c = new Cursor(asBuffer(bytes));
  if (!c.take(TAG.version) || c.varint() !== 1) throw malformed('expected version 1');
  if (!c.take(TAG.groupId)) throw malformed('expected 32 bytes');
  const groupId = exactly(c.bytesField(), 32, '32 bytes');
  const epoch = c.take(TAG.epoch) ? c.nonZero() : 0;
  if (!c.take(TAG.sender)) throw malformed('expected 32 bytes');
  const sender = exactly(c.bytesField(), 32, '32 bytes');
  const seq = c.take(TAG.seq) ? c.nonZero() : 0;
  if (!c.take(TAG.type)) throw malformed('expected an envelope type');
  const type = typeOfNumber(c.varint());
  if (type === undefined) throw malformed('expected an envelope type');
  const sentAt = c.take(TAG.sentAt) ? c.nonZero() : 0;
  const body = c.take(TAG.body) ? c.bytesField() : c.none();
  if (body.byteLength > MAX_BODY_BYTES) throw malformed('body too large');
  const recipient = c.take(TAG.recipient) ? exactly(c.bytesField(), 32, '0 or 32 bytes') : c.none();
  const nonce = c.take(TAG.nonce) ? c.bytesField() : c.none();
  if (nonce.byteLength > 32) throw malformed('nonce too long');
  if (!c.done) throw malformed('not canonically encoded');
  return { version: 1, groupId, epoch, sender, seq, type, sentAt, body, recipient, nonce };
}

