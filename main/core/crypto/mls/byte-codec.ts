import { concatBytes } from '../../encoding/base64url.js';

/**
 * A tiny length-prefixed byte format for Kizuna's own MLS blobs (private key packages, state
 * envelopes). Readers never throw anything but the error their caller asks for.
 */
export class ByteWriter {
  private readonly parts: Uint8Array[] = [];

  bytes(value: Uint8Array): this {
    this.parts.push(value);
    return this;
  }

  u8(value: number): this {
    return this.bytes(Uint8Array.of(value & 0xff));
  }

  u16(value: number): this {
    return this.bytes(Uint8Array.of((value >>> 8) & 0xff, value & 0xff));
  }

  /** A byte string of at most 65535 bytes, prefixed with its length (u16). */
  opaque16(value: Uint8Array): this {
    if (value.length > 0xffff) throw new RangeError('opaque16 value too long');
    return this.u16(value.length).bytes(value);
  }

  finish(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

export class ByteReader {
  private offset = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly fail: (reason: string) => Error,
  ) {}

  bytes(length: number): Uint8Array {
    if (length < 0 || this.offset + length > this.data.length) throw this.fail('truncated');
    const out = this.data.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u8(): number {
    return this.bytes(1)[0]!;
  }

  u16(): number {
    const b = this.bytes(2);
    return (b[0]! << 8) | b[1]!;
  }

  opaque16(): Uint8Array {
    return this.bytes(this.u16());
  }

  /** Everything not read yet (as a view, not a copy). */
  rest(): Uint8Array {
    const out = this.data.subarray(this.offset);
    this.offset = this.data.length;
    return out;
  }

  end(): void {
    if (this.offset !== this.data.length) throw this.fail('trailing bytes');
  }
}
