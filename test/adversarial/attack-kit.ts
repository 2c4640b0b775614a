import type { Engine } from '../../main/core/engine/engine.js';
import { decodeWire, encodeWire } from '../../main/core/wire/wire-codec.js';
import { envelopeSchema, signedEnvelopeSchema, type Envelope } from '../../main/core/wire/wire-schemas.js';

/** What an attacker can do to bytes it recorded: open, change, re-wrap (it cannot sign as someone else). */
export function openSigned(bytes: Uint8Array): { envelope: Envelope; envelopeBytes: Uint8Array; signature: Uint8Array } {
  const signed = decodeWire('SignedEnvelope', signedEnvelopeSchema, bytes);
  return { envelope: decodeWire('Envelope', envelopeSchema, signed.envelope), envelopeBytes: signed.envelope, signature: signed.signature };
}

export function wrap(envelopeBytes: Uint8Array, signature: Uint8Array): Uint8Array {
  return encodeWire('SignedEnvelope', { envelope: envelopeBytes, signature });
}

/** The same protobuf message with an unknown field appended: decoders skip it, the bytes (and so a naive id) differ. */
export function withUnknownField(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.byteLength + 3);
  out.set(bytes, 0);
  out.set([0x98, 0x06, 0x01], bytes.byteLength); // field 99, varint, value 1
  return out;
}

/**
 * The same protobuf message padded with an unknown bytes field to at least `size` bytes: decoders skip
 * it, so a hostile member can make any content as large as an envelope may be.
 */
export function withPadding(bytes: Uint8Array, size: number): Uint8Array {
  const length = Math.max(0, size - bytes.byteLength - 8);
  const header = [0x9a, 0x06]; // field 99, length-delimited
  for (let n = length; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      header.push(n);
      break;
    }
    header.push((n % 128) | 0x80);
  }
  const out = new Uint8Array(bytes.byteLength + header.length + length);
  out.set(bytes, 0);
  out.set(header, bytes.byteLength);
  return out;
}

/** A copy with a signature that does not verify but the same signed bytes (and so the same id). */
export function forged(bytes: Uint8Array): Uint8Array {
  const { envelopeBytes, signature } = openSigned(bytes);
  const bad = Uint8Array.from(signature); // a copy: the decoder's bytes may be a view into `bytes` (Buffer.slice is one too)
  bad[0] = (bad[0] ?? 0) ^ 0x01;
  return wrap(envelopeBytes, bad);
}

/** Feeds bytes to an engine and returns the first drop reason, or 'accepted'. */
export async function verdictOf(engine: Engine, bytes: Uint8Array): Promise<string> {
  const reasons: string[] = [];
  const off = engine.events.on('dropped', (d) => reasons.push(d.reason));
  await engine.receive(bytes);
  await engine.inbox.idle();
  off();
  return reasons[0] ?? 'accepted';
}

/** The next envelope of a type an engine queued, taken from its outbox before the network moves it. */
export function queued(engine: Engine, type: string): Uint8Array {
  const job = engine.outbox.due(10_000).find((j) => j.type === type);
  if (job === undefined) throw new Error(`no ${type} job queued`);
  engine.outbox.markSent(job, Number.MAX_SAFE_INTEGER); // taken off the wire: the test delivers it
  return job.bytes;
}
