import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PLAINTEXT_KEYRING_MESSAGE,
  keyringStatus,
  newPassphraseProblem,
  planKeyProtection,
  readStoredKeyKind,
  safeStorageKeyring,
  type SafeStorageLike,
} from '../../../main/electron/key-protection.js';
import { tempDir } from '../../helpers/test-engines.js';
import { expectCode } from '../../helpers/expect-code.js';

function fakeSafeStorage(available: boolean, backend: string): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => Buffer.from(`enc:${s}`, 'utf8'),
    decryptString: (b) => {
      const s = b.toString('utf8');
      if (!s.startsWith('enc:')) throw new Error('not ours');
      return s.slice(4);
    },
  };
}

describe('local key protection in the app', () => {
  it('uses the keyring on macOS and Windows, and on Linux with a real secret service', () => {
    expect(keyringStatus(fakeSafeStorage(true, 'unused'), 'darwin')).toEqual({ usable: true, backend: 'os' });
    expect(keyringStatus(fakeSafeStorage(true, 'unused'), 'win32').usable).toBe(true);
    expect(keyringStatus(fakeSafeStorage(true, 'gnome_libsecret'), 'linux')).toEqual({ usable: true, backend: 'gnome_libsecret' });
    expect(keyringStatus(fakeSafeStorage(true, 'kwallet6'), 'linux').usable).toBe(true);
  });

  it("refuses Linux's plain-text backend (basic_text) even though safeStorage calls itself available", () => {
    expect(keyringStatus(fakeSafeStorage(true, 'basic_text'), 'linux')).toEqual({ usable: false, reason: 'plaintext-backend', backend: 'basic_text' });
    expect(keyringStatus(fakeSafeStorage(false, 'gnome_libsecret'), 'linux')).toMatchObject({ usable: false, reason: 'unavailable' });
  });

  it('plans: first run with a keyring, passphrase fallback with a clear message, existing profiles as they were made', () => {
    const ok = { usable: true as const, backend: 'gnome_libsecret' };
    const plain = { usable: false as const, reason: 'plaintext-backend' as const, backend: 'basic_text' };
    expect(planKeyProtection(null, ok)).toEqual({ kind: 'os-keyring' });
    expect(planKeyProtection(null, plain)).toEqual({ kind: 'passphrase', mode: 'new', message: PLAINTEXT_KEYRING_MESSAGE });
    expect(PLAINTEXT_KEYRING_MESSAGE).toMatch(/plain text/);
    expect(planKeyProtection('passphrase', ok)).toMatchObject({ kind: 'passphrase', mode: 'existing' });
    expect(planKeyProtection('os-keyring', ok)).toEqual({ kind: 'os-keyring' });
    const refused = planKeyProtection('os-keyring', plain);
    expect(refused.kind).toBe('refuse');
    expect(refused.kind === 'refuse' && refused.error.code).toBe('KEY_PROVIDER_INSECURE');
    expect(planKeyProtection('key-file', ok)).toMatchObject({ kind: 'refuse' });
  });

  it('reads what protects a profile', async () => {
    const dir = tempDir('kizuna-key-kind-');
    try {
      expect(await readStoredKeyKind(dir.path)).toBeNull();
      writeFileSync(join(dir.path, 'local-key.json'), JSON.stringify({ version: 1, kind: 'passphrase', wrapped: 'x' }));
      expect(await readStoredKeyKind(dir.path)).toBe('passphrase');
      writeFileSync(join(dir.path, 'local-key.json'), '{oops');
      await expectCode(readStoredKeyKind(dir.path), 'STORE_CORRUPT');
      mkdirSync(join(dir.path, 'sub', 'local-key.json'), { recursive: true });
      await expectCode(readStoredKeyKind(join(dir.path, 'sub')), 'KEY_PROVIDER_FAILED');
    } finally {
      dir.cleanup();
    }
  });

  it('wraps the key with safeStorage and back', async () => {
    const keyring = safeStorageKeyring(fakeSafeStorage(true, 'gnome_libsecret'));
    const key = new Uint8Array(32).map((_, i) => i);
    const sealed = await keyring.protect(key);
    expect(Buffer.from(sealed).toString('utf8').startsWith('enc:')).toBe(true);
    expect(await keyring.unprotect(sealed)).toEqual(key);
  });

  it('checks a new passphrase', () => {
    expect(newPassphraseProblem('short', null)).toMatch(/8 characters/);
    expect(newPassphraseProblem('long enough', 'different')).toMatch(/not the same/);
    expect(newPassphraseProblem('long enough', 'long enough')).toBeNull();
  });
});
