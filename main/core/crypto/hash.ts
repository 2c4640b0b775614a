import { sodium } from './sodium.js';

/** BLAKE2b-256: group ids, message ids, file hashes and secret commitments. */
export function blake2b256(...parts: Uint8Array[]): Uint8Array {
  const s = sodium();
  if (parts.length === 1) return s.crypto_generichash(32, parts[0] as Uint8Array, null);
  const state = s.crypto_generichash_init(null, 32);
  for (const p of parts) s.crypto_generichash_update(state, p);
  return s.crypto_generichash_final(state, 32);
}

/** Incremental BLAKE2b-256 for large inputs (files), so they never sit whole in memory. */
export interface StreamingHash {
  update(chunk: Uint8Array): void;
  digest(): Uint8Array;
}

export function createBlake2b256(): StreamingHash {
  const s = sodium();
  const state = s.crypto_generichash_init(null, 32);
  return {
    update: (chunk) => s.crypto_generichash_update(state, chunk),
    digest: () => s.crypto_generichash_final(state, 32),
  };
}
