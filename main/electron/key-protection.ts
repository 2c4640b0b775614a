/**
 * How the desktop app protects the profile's local key: Electron safeStorage (the OS keyring) when it
 * is really a keyring, a passphrase otherwise. On Linux, safeStorage falls back to a hard-coded
 * password ("basic_text") when no secret service is running; that is plain text in all but name, so
 * it is refused with a clear message and the user chooses a passphrase instead.
 *
 * No Electron import at run time: safeStorage is passed in (see SafeStorageLike), so this is tested.
 */
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import { fromBase64Url, toBase64Url } from '../core/encoding/base64url.js';
import type { KeyWrapper } from '../core/crypto/local-key/key-wrapper.js';
import { readLocalKeyKind } from '../core/crypto/local-key/local-key-file.js';
import type { KeyringFunctions } from '../core/crypto/local-key/os-keyring-wrapper.js';

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export type StoredKeyKind = KeyWrapper['kind'];

export type KeyringStatus =
  | { usable: true; backend: string }
  | { usable: false; reason: 'unavailable' | 'plaintext-backend'; backend: string };

export function keyringStatus(safeStorage: SafeStorageLike, platform: NodeJS.Platform): KeyringStatus {
  const backend = platform === 'linux' && safeStorage.getSelectedStorageBackend !== undefined ? safeStorage.getSelectedStorageBackend() : 'os';
  if (!safeStorage.isEncryptionAvailable()) return { usable: false, reason: 'unavailable', backend };
  if (platform === 'linux' && (backend === 'basic_text' || backend === 'unknown')) return { usable: false, reason: 'plaintext-backend', backend };
  return { usable: true, backend };
}

export type KeyPlan =
  | { kind: 'os-keyring' }
  /** Ask for a passphrase; `message` says why (shown above the field). */
  | { kind: 'passphrase'; mode: 'new' | 'existing'; message: string }
  | { kind: 'refuse'; error: KizunaError };

export const PLAINTEXT_KEYRING_MESSAGE =
  'Your system has no secure keyring available (Electron would fall back to "basic_text", which keeps the key in plain text). ' +
  'Choose a passphrase to protect your messages instead. To use the keyring, install and unlock a Secret Service ' +
  '(GNOME Keyring or KWallet) before the first start.';

/** Decides how to open the profile, given what protects it now (null: first run) and the keyring's state. */
export function planKeyProtection(stored: StoredKeyKind | null, keyring: KeyringStatus): KeyPlan {
  if (stored === null) {
    if (keyring.usable) return { kind: 'os-keyring' };
    return {
      kind: 'passphrase',
      mode: 'new',
      message:
        keyring.reason === 'plaintext-backend'
          ? PLAINTEXT_KEYRING_MESSAGE
          : 'Your system keyring is not available. Choose a passphrase to protect your messages.',
    };
  }
  if (stored === 'passphrase') return { kind: 'passphrase', mode: 'existing', message: 'Enter your passphrase to open Kizuna.' };
  if (stored === 'key-file') {
    return {
      kind: 'refuse',
      error: new KizunaError('STORE_WRONG_KEY', 'This profile is protected by a key file; open it with "kizuna web --key-file <path>" or the CLI.'),
    };
  }
  if (keyring.usable) return { kind: 'os-keyring' };
  return {
    kind: 'refuse',
    error:
      keyring.reason === 'plaintext-backend'
        ? new KizunaError(
            'KEY_PROVIDER_INSECURE',
            'This profile is protected by your system keyring, which is not available now (only the plain-text fallback is). ' +
              'Start your keyring (GNOME Keyring or KWallet) and open Kizuna again.',
          )
        : new KizunaError('KEY_PROVIDER_FAILED', 'This profile is protected by your system keyring, which is not available now.'),
  };
}

/** What protects the profile's key now, or null when the profile has none yet. */
export const readStoredKeyKind = readLocalKeyKind;

/** safeStorage as the core's keyring functions (the key travels as base64url text, as safeStorage wants strings). */
export function safeStorageKeyring(safeStorage: SafeStorageLike): KeyringFunctions {
  return {
    protect: async (plain) => new Uint8Array(safeStorage.encryptString(toBase64Url(plain))),
    unprotect: async (protectedBytes) => {
      const bytes = fromBase64Url(safeStorage.decryptString(Buffer.from(protectedBytes)));
      if (bytes === undefined) throw new KizunaError('STORE_WRONG_KEY', 'The system keyring returned something that is not a key.');
      return bytes;
    },
  };
}

/** Rules for a new passphrase; returns the problem in words, or null. */
export function newPassphraseProblem(passphrase: string, confirm: string | null): string | null {
  if (passphrase.length < 8) return 'A passphrase needs at least 8 characters.';
  if (passphrase.length > 1024) return 'A passphrase can be at most 1024 characters long.';
  if (confirm !== null && confirm !== passphrase) return 'The two passphrases are not the same.';
  return null;
}
