/**
 * uint64 on the wire. protobufjs decodes uint64 fields into Long objects ({ low, high, unsigned }) and
 * encodes from any object with 32-bit `low`/`high` halves; the rest of Kizuna uses bigint. These helpers
 * are the only place where the two meet, so no precision is lost to JavaScript numbers.
 */

/** The shape protobufjs reads and writes for 64-bit integers (a long.js Long satisfies it). */
export interface WireU64 {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}

/** What a decoded uint64 field may hold: a Long, or a plain number when long.js is absent. */
export type WireU64Value = WireU64 | number;

export const U64_MAX = (1n << 64n) - 1n;

/** bigint (0..2^64-1) → Long-shaped halves. Throws RangeError outside the range: a caller bug, not input. */
export function u64ToWire(value: bigint): WireU64 {
  if (value < 0n || value > U64_MAX) throw new RangeError(`uint64 out of range: ${value}`);
  // `| 0` keeps the halves as signed 32-bit ints, which is what long.js stores; protobufjs reads them with >>> 0.
  return { low: Number(value & 0xffffffffn) | 0, high: Number(value >> 32n) | 0, unsigned: true };
}

/** Long / number / absent → bigint. Absent fields are proto3 zero. Returns undefined for anything else. */
export function wireToU64(value: unknown): bigint | undefined {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  }
  if (typeof value === 'object') {
    const { low, high } = value as { low?: unknown; high?: unknown };
    if (typeof low === 'number' && typeof high === 'number') {
      return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    }
  }
  return undefined;
}
