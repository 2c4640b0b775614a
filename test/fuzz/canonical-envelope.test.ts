import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKizunaError } from '../../shared/errors/kizuna-error.js';
import { readCanonicalEnvelope, readSignedEnvelope } from '../../main/core/envelopes/canonical-envelope.js';
import { decodeWire, encodeWire } from '../../main/core/wire/wire-codec.js';
import { envelopeSchema, envelopeTypeSchema, signedEnvelopeSchema } from '../../main/core/wire/wire-schemas.js';

/** Runs per property: a few seconds in `npm test`; `npm run fuzz` raises it (KIZUNA_FUZZ_RUNS). */
const RUNS = Number(process.env.KIZUNA_FUZZ_RUNS ?? 300);

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
/** Values compared as plain data (bytes as hex). */
const plain = (v: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x]));

type Verdict = 'refused' | Record<string, unknown>;

/**
 * The reader canonical-envelope.ts replaced, kept here as the oracle: protobufjs's decode and the wire
 * schemas, then canonical only if re-encoding gives the very bytes.
 */
function byProtobuf(bytes: Uint8Array): Verdict {
  try {
    const signed = decodeWire('SignedEnvelope', signedEnvelopeSchema, bytes);
    const envelope = decodeWire('Envelope', envelopeSchema, signed.envelope);
    if (!same(encodeWire('Envelope', envelope), signed.envelope) || !same(encodeWire('SignedEnvelope', signed), bytes)) return 'refused';
    return { ...plain(envelope), signature: Buffer.from(signed.signature).toString('hex') };
  } catch (err) {
    if (isKizunaError(err, 'ENVELOPE_MALFORMED')) return 'refused';
    throw err;
  }
}

function byCanonicalReader(bytes: Uint8Array): Verdict {
  try {
    const signed = readSignedEnvelope(bytes);
    const envelope = readCanonicalEnvelope(signed.envelope);
    return { ...plain(envelope), signature: signed.signature.toString('hex') };
  } catch (err) {
    if (isKizunaError(err, 'ENVELOPE_MALFORMED')) return 'refused';
    throw err;
  }
}

const agree = (bytes: Uint8Array): void => {
  expect(byCanonicalReader(bytes)).toEqual(byProtobuf(bytes));
};

// ---- bytes built by hand: any field, any order, any varint form ----

function varint(value: bigint, padding: number): number[] {
  const out: number[] = [];
  do {
    out.push(Number(value & 0x7fn));
    value >>= 7n;
  } while (value > 0n);
  // Longer than needed: continuation bits and zero groups a decoder accepts and an encoder never writes.
  for (let i = 0; i < padding; i++) out.push(0);
  for (let i = 0; i < out.length - 1; i++) out[i]! |= 0x80;
  return out;
}

interface Field {
  number: number;
  /** -1: the field's own wire type. */
  wireType: number;
  value: bigint;
  valuePadding: number;
  bytes: Uint8Array;
  lengthPadding: number;
}
const field = (number: number, value: bigint, bytes: Uint8Array = new Uint8Array(0)): Field => ({ number, wireType: -1, value, valuePadding: 0, bytes, lengthPadding: 0 });

/** The wire type each field of Envelope has (SignedEnvelope's two are bytes as well). */
const OWN_WIRE_TYPE = [0, 0, 2, 0, 2, 0, 0, 0, 2, 2, 2];

/** The fields our encoder writes for `e`, in its order (defaults left out). */
function envelopeFields(e: { groupId: Uint8Array; epoch: number; sender: Uint8Array; seq: number; type: string; sentAt: number; body: Uint8Array; recipient: Uint8Array; nonce: Uint8Array }): Field[] {
  // The type's number as protobuf writes it (`30 nn`), not from the table under test.
  const typeNumber = BigInt(encodeWire('Envelope', { type: e.type })[1]!);
  const all = [
    field(1, 1n), field(2, 0n, e.groupId), field(3, BigInt(e.epoch)), field(4, 0n, e.sender), field(5, BigInt(e.seq)),
    field(6, typeNumber), field(7, BigInt(e.sentAt)), field(8, 0n, e.body), field(9, 0n, e.recipient), field(10, 0n, e.nonce),
  ];
  return all.filter((f) => (OWN_WIRE_TYPE[f.number] === 2 ? f.bytes.byteLength > 0 : f.value !== 0n));
}

const bigValues = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 24n, 127n, 128n, 2n ** 32n - 1n, 2n ** 32n + 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 56n, 2n ** 64n - 1n),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);
const someBytes = fc.oneof(fc.constantFrom(0, 1, 31, 32, 33, 64).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })), fc.uint8Array({ maxLength: 80 }));
const foreignField = fc.record({
  number: fc.integer({ min: 0, max: 20 }),
  wireType: fc.constantFrom(-1, -1, 0, 1, 2, 5),
  value: bigValues,
  valuePadding: fc.constant(0),
  bytes: someBytes,
  lengthPadding: fc.constant(0),
});
type Edit =
  | { kind: 'drop' | 'repeat' | 'swap' | 'wire-type'; at: number; wireType: number }
  | { kind: 'pad'; at: number; by: number }
  | { kind: 'insert'; at: number; field: Field }
  | { kind: 'set'; at: number; value: bigint; bytes: Uint8Array };
/** Up to three changes to a field list, or none (then the bytes are canonical). */
const edits = (fields: number): fc.Arbitrary<Edit[]> => {
  const at = fc.nat(fields);
  const one: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constantFrom('drop', 'repeat', 'swap', 'wire-type'), at, wireType: fc.constantFrom(0, 1, 2, 5) }),
    fc.record({ kind: fc.constant('pad'), at, by: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('insert'), at, field: fc.oneof(foreignField, fc.integer({ min: 1, max: 10 }).map((n) => field(n, 0n))) }),
    fc.record({ kind: fc.constant('set'), at, value: bigValues, bytes: someBytes }),
  ) as fc.Arbitrary<Edit>;
  return fc.oneof({ weight: 1, arbitrary: fc.constant<Edit[]>([]) }, { weight: 4, arbitrary: fc.array(one, { minLength: 1, maxLength: 3 }) });
};

function edit(fields: Field[], es: Edit[]): Field[] {
  const out = [...fields];
  for (const e of es) {
    const i = out.length === 0 ? 0 : e.at % out.length;
    const f = out[i];
    if (e.kind === 'insert') out.splice(e.at % (out.length + 1), 0, e.field);
    else if (f === undefined) continue;
    else if (e.kind === 'drop') out.splice(i, 1);
    else if (e.kind === 'repeat') out.splice(i, 0, { ...f });
    else if (e.kind === 'swap' && i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, f];
    else if (e.kind === 'wire-type') out[i] = { ...f, wireType: e.wireType };
    else if (e.kind === 'pad') out[i] = { ...f, valuePadding: e.by, lengthPadding: e.by };
    else if (e.kind === 'set') out[i] = { ...f, value: e.value, bytes: e.bytes };
  }
  return out;
}

function encodeFields(fields: Field[]): Uint8Array {
  const out: number[] = [];
  for (const f of fields) {
    const wireType = f.wireType === -1 ? (OWN_WIRE_TYPE[f.number] ?? 0) : f.wireType;
    out.push(...varint(BigInt((f.number << 3) | wireType), 0));
    if (wireType === 0) out.push(...varint(f.value, f.valuePadding));
    else if (wireType === 2) out.push(...varint(BigInt(f.bytes.byteLength), f.lengthPadding), ...f.bytes);
    else if (wireType === 1) out.push(...f.bytes.subarray(0, 8), ...new Array<number>(Math.max(0, 8 - f.bytes.byteLength)).fill(0));
    else out.push(...f.bytes.subarray(0, 4), ...new Array<number>(Math.max(0, 4 - f.bytes.byteLength)).fill(0));
  }
  return Uint8Array.from(out);
}

/** A canonical SignedEnvelope around `envelope` (so the inner bytes decide). */
const signedAround = (envelope: Uint8Array, signature = new Uint8Array(64).fill(7)): Uint8Array => encodeWire('SignedEnvelope', { envelope, signature });

// ---- envelopes as our encoder writes them ----

const safe = fc.oneof(fc.constantFrom(0, 1, 127, 128, 2 ** 32, Number.MAX_SAFE_INTEGER), fc.integer({ min: 0, max: 2 ** 31 }));
const validEnvelope = fc.record({
  version: fc.constant(1),
  groupId: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  epoch: safe,
  sender: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  seq: safe,
  type: fc.constantFrom(...envelopeTypeSchema.options),
  sentAt: safe,
  body: fc.uint8Array({ maxLength: 300 }),
  recipient: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 32, maxLength: 32 })),
  nonce: fc.uint8Array({ maxLength: 34 }),
});

describe('the canonical envelope reader gives exactly the verdicts of protobuf, the schemas and re-encoding', () => {
  it('reads every envelope type our encoder writes, with every field at its default or set', () => {
    for (const type of envelopeTypeSchema.options) {
      for (const set of [false, true]) {
        const envelope = {
          version: 1, groupId: new Uint8Array(32).fill(1), epoch: set ? 3 : 0, sender: new Uint8Array(32).fill(2), seq: set ? 9 : 0, type,
          sentAt: set ? 1_700_000_000_000 : 0, body: set ? new Uint8Array([5, 6]) : new Uint8Array(0),
          recipient: set ? new Uint8Array(32).fill(3) : new Uint8Array(0), nonce: set ? new Uint8Array(0) : new Uint8Array(32).fill(4),
        };
        const bytes = signedAround(encodeWire('Envelope', envelope));
        expect(byCanonicalReader(bytes)).not.toBe('refused');
        agree(bytes);
      }
    }
  });

  it('envelopes as encoded: the same envelope, or the same refusal (signature lengths, nonces, bodies)', () => {
    const signature = fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ minLength: 64, maxLength: 64 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 70 }) });
    fc.assert(fc.property(validEnvelope, signature, (e, sig) => agree(signedAround(encodeWire('Envelope', e), sig))), { numRuns: RUNS });
  });

  it('hand-built envelopes: fields left out, moved, repeated, foreign, of another wire type, at their default, in long varints', () => {
    fc.assert(fc.property(validEnvelope, edits(10), (e, es) => agree(signedAround(encodeFields(edit(envelopeFields(e), es))))), { numRuns: RUNS * 3 });
  });

  it('hand-built signed envelopes: the outer message holds to the same rules', () => {
    const signature = fc.oneof(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 70 }));
    fc.assert(
      fc.property(validEnvelope, signature, edits(2), (e, sig, es) => {
        const outer: Field[] = [field(1, 0n, encodeWire('Envelope', e)), field(2, 0n, sig)].filter((f) => f.bytes.byteLength > 0).map((f) => ({ ...f, wireType: 2 }));
        agree(encodeFields(edit(outer, es)));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('encoded envelopes with a byte changed, added, taken out or cut off', () => {
    const mutation = fc.record({ kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(validEnvelope, fc.array(mutation, { minLength: 1, maxLength: 3 }), (e, ms) => {
        let bytes = Array.from(signedAround(encodeWire('Envelope', e)));
        for (const m of ms) {
          const at = m.at % (bytes.length + 1);
          if (m.kind === 'flip') bytes[at % bytes.length] = m.byte;
          else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
          else if (m.kind === 'delete') bytes.splice(at % bytes.length, 1);
          else bytes = bytes.slice(0, at);
        }
        agree(Uint8Array.from(bytes));
      }),
      { numRuns: RUNS * 3 },
    );
  });
});
