/**
 * Ids in SLIM's session protocol: an app's name id is XXH3-128 of its token id (hash-wasm, not hand-written),
 * channel ids likewise of a text naming them; control message ids are random non-zero u32s.
 */
import { randomInt } from 'node:crypto';
import { xxhash128 } from 'hash-wasm';

export async function xxh3Id(text: string): Promise<bigint> {
  return BigInt(`0x${await xxhash128(text)}`);
}

/** A random non-zero u32, for control messages. */
export function randomMessageId(): number {
  return randomInt(1, 0xffff_ffff);
}

/** A moderator's random session id, below u32::MAX − 1000 as SLIM keeps the top for itself. */
export function randomSessionId(): number {
  return randomInt(1, 0xffff_ffff - 1000);
}
