/**
 * Public types of Kizuna's MLS layer (RFC 9420 over ts-mls). The engine never sees ts-mls types:
 * group state is opaque, bytes on the wire are TLS-encoded MLSMessages, identities are the users'
 * 32-byte Ed25519 identity public keys.
 */

/**
 * A Kizuna user's Ed25519 identity key pair in libsodium's layout: `publicKey` is 32 bytes,
 * `secretKey` is 64 bytes (seed || publicKey), as returned by `crypto_sign_keypair()`.
 * The same key signs Kizuna envelopes and is the MLS leaf signature key.
 */
export interface MlsIdentity {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

declare const mlsGroupStateBrand: unique symbol;

/**
 * One member's view of one MLS group at one point in time (immutable: every operation returns a new
 * state and leaves the one it was given intact). Opaque to the engine: inspect it with epochOf,
 * rosterOf, groupIdOf, isRemovedFromGroup; persist it with serializeState.
 */
export interface MlsGroupState {
  readonly [mlsGroupStateBrand]: true;
}

/**
 * Decides whether an identity may be a member of the group right now (for Kizuna: it is listed in
 * the group version the engine holds). Called for every credential MLS introduces: members added by
 * a commit, the committer's refreshed leaf, every leaf of the tree when joining from a welcome.
 */
export type IdentityAllowed = (identity: Uint8Array) => boolean | Promise<boolean>;

/** What a receiving member accepts from the network. */
export interface MlsCommitPolicy {
  /** Identity public key of the group admin: the only member whose commits are accepted. */
  readonly adminIdentity: Uint8Array;
  /** Whether an identity may be in the group (see IdentityAllowed). */
  readonly isAllowed: IdentityAllowed;
}

export interface MlsKeyPackagePair {
  /** TLS-encoded MLSMessage (wire format mls_key_package) to send to the admin. */
  readonly publicPackage: Uint8Array;
  /**
   * The private HPKE keys of this key package (see private-key-package.ts for the layout). Secret:
   * the engine encrypts it at rest and deletes it once the welcome is processed. It does not contain
   * the identity secret key; joinFromWelcome takes that from the identity.
   */
  readonly privatePackage: Uint8Array;
}

export interface DecodedKeyPackage {
  /** The 32-byte Ed25519 identity public key the key package belongs to. */
  readonly identity: Uint8Array;
  /** End of the key package's lifetime, milliseconds since the Unix epoch. */
  readonly expiresAt: number;
  /** The exact bytes that were decoded. */
  readonly bytes: Uint8Array;
}

export interface MlsCommitResult {
  readonly state: MlsGroupState;
  /** TLS-encoded MLSMessage (mls_private_message carrying a Commit) for every current member. */
  readonly commit: Uint8Array;
}

export interface MlsAddResult extends MlsCommitResult {
  /**
   * TLS-encoded MLSMessage (mls_welcome) for the new members. Its GroupInfo carries the ratchet_tree
   * extension, so a newcomer joins from the welcome alone.
   */
  readonly welcome: Uint8Array;
}

export interface MlsProcessedCommit {
  readonly state: MlsGroupState;
  /** Epoch of the returned state (unchanged when removedSelf: a removed member cannot enter the new epoch). */
  readonly epoch: bigint;
  /** Identity public keys of the members after the commit, in leaf order. */
  readonly roster: Uint8Array[];
  /** Identities the commit added. */
  readonly added: Uint8Array[];
  /** Identities the commit removed. */
  readonly removed: Uint8Array[];
  /** True when this commit removed the local member: the state can still read its last epoch, nothing after. */
  readonly removedSelf: boolean;
}

export interface MlsEncrypted {
  readonly state: MlsGroupState;
  /** TLS-encoded MLSMessage (mls_private_message carrying application data). */
  readonly ciphertext: Uint8Array;
}

export interface MlsDecrypted {
  readonly state: MlsGroupState;
  readonly plaintext: Uint8Array;
  /** Identity public key of the member who sent it (authenticated by its leaf signature). */
  readonly senderIdentity: Uint8Array;
  /** The sender's authenticated, unencrypted associated data. */
  readonly authenticatedData: Uint8Array;
  /** The epoch the message was sent in (may be older than the state's epoch for a late message). */
  readonly epoch: bigint;
}

/**
 * An MLS signature still to be verified (RFC 9420 §5.1.2, SignWithLabel): the signer's leaf key, the
 * labelled content it signed, and the signature. See decryptApplicationUnchecked.
 */
export interface MlsSignatureCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** A decrypted application message whose sender's signature has not been verified yet. */
export interface MlsDecryptedUnchecked extends MlsDecrypted {
  readonly signature: MlsSignatureCheck;
}
