/**
 * SLIM's header digest input: the protobuf encoding of HeaderIntegrityAad, built from a publish frame's
 * headers. SLIM signs it (control messages: e2e_header_sig) and uses it as the MLS authenticated data of
 * application messages, and receivers compare it byte for byte, so it must match prost's output exactly:
 * fields in tag order, zero scalars and empty strings omitted, sub-messages emitted whenever present (even
 * empty). protobufjs writes explicitly set defaults, so this one message is encoded by hand.
 */
import { wireToU64 } from '../transport/wire-u64.js';
import type { WireName } from '../transport/slim-wire-types.js';

export const HEADER_AAD_VERSION = 1;

export interface HeaderAadFields {
  readonly source: WireName | null | undefined;
  readonly destination: WireName | null | undefined;
  readonly identity: string;
  readonly sessionType: number;
  readonly messageType: number;
  readonly sessionId: number;
  readonly messageId: number;
  /** The application payload type; empty for control messages. */
  readonly payloadType: string;
}

class ProtoBytes {
  readonly #parts: number[] = [];
  varint(value: bigint): this {
    let v = value;
    while (v > 0x7fn) {
      this.#parts.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    this.#parts.push(Number(v));
    return this;
  }
  tag(field: number, wireType: number): this {
    return this.varint(BigInt((field << 3) | wireType));
  }
  /** A varint field, omitted when zero (proto3 default). */
  uint(field: number, value: bigint | number): this {
    const v = BigInt(value);
    return v === 0n ? this : this.tag(field, 0).varint(v);
  }
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2).varint(BigInt(value.byteLength));
    for (const b of value) this.#parts.push(b);
    return this;
  }
  /** A string field, omitted when empty. */
  string(field: number, value: string | null | undefined): this {
    return value === undefined || value === null || value === '' ? this : this.bytes(field, Buffer.from(value, 'utf8'));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}

function encodeName(name: WireName): Uint8Array {
  const out = new ProtoBytes();
  const encoded = name.name;
  if (encoded !== undefined && encoded !== null) {
    const inner = new ProtoBytes()
      .uint(1, wireToU64(encoded.component_0) ?? 0n)
      .uint(2, wireToU64(encoded.component_1) ?? 0n)
      .uint(3, wireToU64(encoded.component_2) ?? 0n);
    const id = encoded.name_id;
    if (id !== undefined && id !== null) {
      inner.bytes(4, new ProtoBytes().uint(1, wireToU64(id.id_0) ?? 0n).uint(2, wireToU64(id.id_1) ?? 0n).finish());
    }
    out.bytes(1, inner.finish());
  }
  const str = name.str_name;
  if (str !== undefined && str !== null) {
    out.bytes(2, new ProtoBytes().string(1, str.str_component_0).string(2, str.str_component_1).string(3, str.str_component_2).finish());
  }
  return out.finish();
}

export function encodeHeaderAad(fields: HeaderAadFields): Uint8Array {
  const out = new ProtoBytes().uint(1, HEADER_AAD_VERSION);
  if (fields.source !== undefined && fields.source !== null) out.bytes(2, encodeName(fields.source));
  if (fields.destination !== undefined && fields.destination !== null) out.bytes(3, encodeName(fields.destination));
  return out
    .string(4, fields.identity)
    .uint(5, fields.sessionType)
    .uint(6, fields.messageType)
    .uint(7, fields.sessionId)
    .uint(8, fields.messageId)
    .string(9, fields.payloadType)
    .finish();
}
