import { fromBase64Url, toBase64Url } from '../../encoding/base64url.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import type { KeyWrapper } from './key-wrapper.js';

/**
 * Wraps the data key with the operating system's keyring. The desktop shell passes Electron's
 * safeStorage encrypt/decrypt here; the core never imports Electron itself.
 */
export interface KeyringFunctions {
  protect(plain: Uint8Array): Promise<Uint8Array>;
  unprotect(protectedBytes: Uint8Array): Promise<Uint8Array>;
}

export function createOsKeyringWrapper(keyring: KeyringFunctions): KeyWrapper {
  return {
    kind: 'os-keyring',
    wrap: async (dataKey) => ({ version: 1, kind: 'os-keyring', wrapped: toBase64Url(await keyring.protect(dataKey)) }),
    async unwrap(record) {
      const wrapped = fromBase64Url(record.wrapped);
      if (record.kind !== 'os-keyring' || wrapped === undefined) {
        throw new KizunaError('STORE_WRONG_KEY', 'This profile is not protected by the system keyring.');
      }
      let key: Uint8Array;
      try {
        key = await keyring.unprotect(wrapped);
      } catch (err) {
        throw new KizunaError('STORE_WRONG_KEY', 'The system keyring could not open the local key.', undefined, { cause: err });
      }
      if (key.byteLength !== 32) throw new KizunaError('STORE_WRONG_KEY');
      return key;
    },
  };
}
