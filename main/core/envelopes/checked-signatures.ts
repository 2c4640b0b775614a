/**
 * Envelopes whose signature this engine already found good, by id and signature. An envelope's id
 * is the hash of the signed bytes, which name the signer, so the pair settles the check: the same
 * pair always verifies the same way. Admission (rated types) and the session router (before an ack
 * or a sign of presence) check a received envelope first; the inbox then finds the pair here and
 * does not spend a second Ed25519 verification on it. Only successes are kept, bounded (oldest out).
 */
export class CheckedSignatures {
  private readonly good = new Set<string>();

  /**
   * Room for a burst the signature pool verified ahead of the inbox (a catch-up of thousands): a
   * pair pushed out before the inbox reads it costs a second verification, never a wrong verdict.
   */
  constructor(private readonly capacity = 32_768) {}

  has(id: Uint8Array, signature: Uint8Array): boolean {
    return wellFormed(id, signature) && this.good.has(key(id, signature));
  }

  add(id: Uint8Array, signature: Uint8Array): void {
    if (!wellFormed(id, signature)) return;
    if (this.good.size >= this.capacity) {
      const oldest = this.good.values().next();
      if (oldest.done !== true) this.good.delete(oldest.value);
    }
    this.good.add(key(id, signature));
  }
}

/** An id is a BLAKE2b-256 hash, a signature Ed25519's: the key below relies on these lengths. */
const wellFormed = (id: Uint8Array, signature: Uint8Array): boolean => id.byteLength === 32 && signature.byteLength === 64;

/**
 * The pair as one string of its 96 bytes, a char per byte: fixed lengths, so no separator is needed,
 * and latin1 is a copy where base64url was an encoding (every received envelope is looked up here).
 */
const key = (id: Uint8Array, signature: Uint8Array): string => latin1(id) + latin1(signature);
const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
