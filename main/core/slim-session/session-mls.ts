/** What a SLIM session needs from MLS when the group has it on (implemented over ts-mls in slim-mls.ts). */
export interface SessionMls {
  /** Participant: a fresh KeyPackage (MLSMessage bytes) for JOIN_REPLY. */
  keyPackage(): Promise<Uint8Array>;
  /** Participant: joins from a Welcome (MLSMessage bytes, ratchet tree inside). */
  joinFromWelcome(welcome: Uint8Array): Promise<void>;
  /** Applies a commit from the moderator (MLSMessage bytes). */
  applyCommit(commit: Uint8Array): Promise<void>;
  /** Encrypts an application message with `aad` as its authenticated data. */
  encrypt(plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /** Decrypts; rejects unless the authenticated data equals `aad` byte for byte. */
  decrypt(ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /** The current epoch (for heartbeats). */
  epoch(): bigint;
}
