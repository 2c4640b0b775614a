import { scrypt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fromBase64Url, utf8 } from '../../encoding/base64url.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { xchachaOpen } from '../xchacha-node.js';
import type { KeyWrapper, WrappedKeyRecord } from './key-wrapper.js';

/**
 * The key-file and passphrase wrappers (key-file-wrapper.ts, passphrase-wrapper.ts) for opening an
 * existing profile only: they unwrap with Node's crypto (xchacha-node.ts) instead of libsodium, so
 * the CLI's read-only commands start without libsodium, and they never create anything (a missing
 * key file is an error here, not a new key beside a profile it cannot open). The labels and KDF are
 * the originals'; test/unit/core/crypto/read-only-key-wrappers.test.ts opens what they wrapped.
 */
const KEY_FILE_LABEL = utf8('kizuna/local-key/key-file');
const PASSPHRASE_LABEL = utf8('kizuna/local-key/passphrase');

function refuseWrap(): Promise<WrappedKeyRecord> {
  return Promise.reject(new KizunaError('KEY_PROVIDER_FAILED', 'This profile was opened to read only; it has no local key to read.'));
}

export async function readOnlyKeyFileWrapper(path: string): Promise<KeyWrapper> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch {
    throw new KizunaError('KEY_PROVIDER_FAILED', `The key file ${path} cannot be read.`);
  }
  const fileKey = fromBase64Url(text);
  if (fileKey === undefined || fileKey.byteLength !== 32) {
    throw new KizunaError('KEY_PROVIDER_FAILED', `The key file ${path} does not hold a 32-byte base64url key.`);
  }
  return {
    kind: 'key-file',
    wrap: refuseWrap,
    unwrap(record) {
      const wrapped = fromBase64Url(record.wrapped);
      const key = record.kind === 'key-file' && wrapped !== undefined ? xchachaOpen(fileKey, wrapped, KEY_FILE_LABEL) : undefined;
      if (key === undefined) return Promise.reject(new KizunaError('STORE_WRONG_KEY', 'The key file does not open this profile.'));
      return Promise.resolve(key);
    },
  };
}

export function readOnlyPassphraseWrapper(passphrase: string): KeyWrapper {
  if (passphrase.length === 0) throw new KizunaError('KEY_PROVIDER_FAILED', 'The passphrase cannot be empty.');
  return {
    kind: 'passphrase',
    wrap: refuseWrap,
    async unwrap(record) {
      const salt = record.salt === undefined ? undefined : fromBase64Url(record.salt);
      const wrapped = fromBase64Url(record.wrapped);
      const cost = record.scrypt;
      if (record.kind !== 'passphrase' || salt === undefined || wrapped === undefined || cost === undefined) {
        throw new KizunaError('STORE_WRONG_KEY', 'This profile is not protected by a passphrase.');
      }
      const kek = await new Promise<Uint8Array>((resolve, reject) => {
        scrypt(passphrase.normalize('NFC'), salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r }, (err, key) =>
          err ? reject(new KizunaError('KEY_PROVIDER_FAILED', err.message)) : resolve(new Uint8Array(key)),
        );
      });
      const key = xchachaOpen(kek, wrapped, PASSPHRASE_LABEL);
      if (key === undefined) throw new KizunaError('STORE_WRONG_KEY', 'The passphrase is not correct.');
      return key;
    },
  };
}
