import { idsKey } from '../store/tables/row-cache.js';

/*
 * A group's avatar as the view carries it (base64, up to 341 KB). Encoding 256 KB took ~0.27 ms, and the view goes
 * out with every message of the group. The group's row is read again after each message (its last activity moved),
 * so its avatar is a new buffer each time: the text is kept per group and reused while the bytes are the same
 * (a comparison costs a fraction of an encoding). Bounded: a profile with more groups than this encodes again.
 */

const KEPT = 16;
const texts = new Map<string, { bytes: Buffer; base64: string }>();

export function avatarText(groupId: Uint8Array, avatar: Uint8Array): string {
  const key = idsKey(groupId);
  const bytes = Buffer.from(avatar.buffer, avatar.byteOffset, avatar.byteLength);
  const kept = texts.get(key);
  if (kept !== undefined && kept.bytes.equals(bytes)) return kept.base64;
  const base64 = bytes.toString('base64');
  if (texts.size >= KEPT) texts.clear();
  texts.set(key, { bytes, base64 });
  return base64;
}
