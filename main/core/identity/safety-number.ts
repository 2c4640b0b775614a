import { sodium } from '../crypto/sodium.js';

/**
 * A safety number: 60 digits (12 groups of 5) that two people compare to know that the keys each
 * of them holds for the other are the real ones. Each side's half is 30 digits from an iterated
 * SHA-512 over that side's public keys (identity/signing key and box key); the two halves are put in
 * a fixed order (the smaller first), so both people compute the same number whoever asks.
 * (libsodium's crypto_hash is SHA-512.) Iterating makes finding other keys with the same half cost 5,200 hashes per try (as Signal's does).
 */
const VERSION = new TextEncoder().encode('kizuna/safety-number/v1');
const ITERATIONS = 5200;
const HALF_BYTES = 30;

export interface PublicIdentityKeys {
  signKey: Uint8Array;
  boxKey: Uint8Array;
}

/** 30 digits for one side: 6 chunks of 5 bytes, each big-endian mod 100000, zero-padded. */
function halfDigits(keys: PublicIdentityKeys): string {
  const s = sodium();
  const suffix = concat(keys.signKey, keys.boxKey);
  let hash = s.crypto_hash(concat(VERSION, suffix));
  for (let i = 1; i < ITERATIONS; i++) hash = s.crypto_hash(concat(hash, suffix));
  let out = '';
  for (let offset = 0; offset < HALF_BYTES; offset += 5) {
    let chunk = 0;
    for (let j = 0; j < 5; j++) chunk = chunk * 256 + (hash[offset + j] as number);
    out += String(chunk % 100_000).padStart(5, '0');
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The 60-digit safety number of two people's keys; the same whichever side is `a`. */
export function safetyNumber(a: PublicIdentityKeys, b: PublicIdentityKeys): string {
  const [x, y] = [halfDigits(a), halfDigits(b)].sort();
  return `${x as string}${y as string}`;
}

/** The number in groups of five digits, for people to read aloud. */
export function safetyNumberGroups(digits: string): string[] {
  return digits.match(/\d{5}/g) ?? [];
}

/** What a QR code of the number holds: a prefix, so a scanned unrelated code is told apart. */
export const SAFETY_QR_PREFIX = 'kizuna:safety:v1:';

export function safetyQrPayload(digits: string): string {
  return SAFETY_QR_PREFIX + digits;
}

/**
 * Reads what a person entered as "the other side's number": the 60 digits typed with any spacing,
 * or the QR payload. Undefined when it is neither.
 */
export function readEnteredSafetyNumber(text: string): string | undefined {
  const trimmed = text.trim();
  const body = trimmed.startsWith(SAFETY_QR_PREFIX) ? trimmed.slice(SAFETY_QR_PREFIX.length) : trimmed;
  const digits = body.replace(/[\s-]/g, '');
  return /^\d{60}$/.test(digits) ? digits : undefined;
}

/** A digest of someone's keys as they were when verified: a later key change no longer matches it. */
export function verifiedKeysDigest(keys: PublicIdentityKeys): Uint8Array {
  return sodium().crypto_generichash(32, concat(new TextEncoder().encode('kizuna/verified-keys/v1'), keys.signKey, keys.boxKey), null);
}
