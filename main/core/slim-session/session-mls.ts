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

/** What the moderator needs besides: the group, and the commits that add and remove members. */
export interface ModeratorMls extends SessionMls {
  createGroup(groupId: Uint8Array): Promise<void>;
  /** Adds the member of `keyPackage` (MLSMessage bytes): the commit for the others and the newcomer's Welcome. */
  addMember(keyPackage: Uint8Array): Promise<{ commit: Uint8Array; welcome: Uint8Array }>;
  /** Removes the member whose credential names `identity` (their token's id): the commit. */
  removeMember(identity: string): Promise<Uint8Array>;
  /** Re-adds `identity` from a fresh key package in one commit (remove + add), for a member that lost its state. */
  rejoinMember(identity: string, keyPackage: Uint8Array): Promise<{ commit: Uint8Array; welcome: Uint8Array }>;
}
