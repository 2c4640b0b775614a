import { scrypt } from 'node:crypto';
import { fromBase64Url, toBase64Url, utf8 } from '../../encoding/base64url.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { aeadDecrypt, aeadEncrypt, randomBytes } from '../aead.js';
import type { KeyWrapper, WrappedKeyRecord } from './key-wrapper.js';

/** Memory-hard KDF from Node's own crypto (libsodium's pwhash is only in the sumo build). */
const DEFAULT_COST = { N: 2 ** 15, r: 8, p: 1 };
const LABEL = utf8('kizuna/local-key/passphrase');

function deriveKek(passphrase: string, salt: Uint8Array, cost: { N: number; r: number; p: number }): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r }, (err, key) =>
      err ? reject(new KizunaError('KEY_PROVIDER_FAILED', err.message)) : resolve(new Uint8Array(key)),
    );
  });
}

export function createPassphraseWrapper(passphrase: string, cost = DEFAULT_COST): KeyWrapper {
  if (passphrase.length === 0) throw new KizunaError('KEY_PROVIDER_FAILED', 'The passphrase cannot be empty.');
  return {
    kind: 'passphrase',
    async wrap(dataKey): Promise<WrappedKeyRecord> {
      const salt = randomBytes(16);
      const kek = await deriveKek(passphrase, salt, cost);
      return { version: 1, kind: 'passphrase', salt: toBase64Url(salt), scrypt: cost, wrapped: toBase64Url(aeadEncrypt(kek, dataKey, LABEL)) };
    },
    async unwrap(record): Promise<Uint8Array> {
      const salt = record.salt === undefined ? undefined : fromBase64Url(record.salt);
      const wrapped = fromBase64Url(record.wrapped);
      if (record.kind !== 'passphrase' || salt === undefined || wrapped === undefined || record.scrypt === undefined) {
        throw new KizunaError('STORE_WRONG_KEY', 'This profile is not protected by a passphrase.');
      }
      const kek = await deriveKek(passphrase, salt, record.scrypt);
      const key = aeadDecrypt(kek, wrapped, LABEL);
      if (key === undefined) throw new KizunaError('STORE_WRONG_KEY', 'The passphrase is not correct.');
      return key;
    },
  };
}
