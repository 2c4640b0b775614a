/**
 * The local data key is random; a KeyWrapper protects it on disk. Headless engines wrap it with a
 * passphrase or a key file; the desktop shell wraps it with Electron safeStorage (the OS keyring).
 */
export interface KeyWrapper {
  readonly kind: 'passphrase' | 'key-file' | 'os-keyring';
  /** Wraps the data key into a JSON-safe record stored in the profile's local-key.json. */
  wrap(dataKey: Uint8Array): Promise<WrappedKeyRecord>;
  /** Unwraps; throws KizunaError('STORE_WRONG_KEY') when this wrapper cannot open the record. */
  unwrap(record: WrappedKeyRecord): Promise<Uint8Array>;
}

export interface WrappedKeyRecord {
  version: 1;
  kind: KeyWrapper['kind'];
  /** base64url of the wrapped key (AEAD ciphertext or keyring blob). */
  wrapped: string;
  /** passphrase only: scrypt salt and cost, base64url / numbers. */
  salt?: string;
  scrypt?: { N: number; r: number; p: number };
}
