import { readFile, writeFile } from 'node:fs/promises';
import { fromBase64Url, toBase64Url, utf8 } from '../../encoding/base64url.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { aeadDecrypt, aeadEncrypt, randomBytes } from '../aead.js';
import { loadSodium } from '../sodium.js';
import type { KeyWrapper } from './key-wrapper.js';

const LABEL = utf8('kizuna/local-key/key-file');

/** Reads a 32-byte key (base64url text) from a file; creates the file (mode 0600) when asked to. */
async function readOrCreateKeyFile(path: string, create: boolean): Promise<Uint8Array> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if (!create || (err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new KizunaError('KEY_PROVIDER_FAILED', `The key file ${path} cannot be read.`);
    }
    const key = randomBytes(32);
    await writeFile(path, toBase64Url(key) + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  }
  const key = fromBase64Url(text);
  if (key === undefined || key.byteLength !== 32) {
    throw new KizunaError('KEY_PROVIDER_FAILED', `The key file ${path} does not hold a 32-byte base64url key.`);
  }
  return key;
}

/** Wraps the data key with a key kept in a separate file (for bots and servers); `path` names it in errors. */
export function createKeyFileWrapper(keyFileKey: Uint8Array, path?: string): KeyWrapper {
  return {
    kind: 'key-file',
    wrap: async (dataKey) => ({ version: 1, kind: 'key-file', wrapped: toBase64Url(aeadEncrypt(keyFileKey, dataKey, LABEL)) }),
    async unwrap(record) {
      const wrapped = fromBase64Url(record.wrapped);
      const key = record.kind === 'key-file' && wrapped !== undefined ? aeadDecrypt(keyFileKey, wrapped, LABEL) : undefined;
      if (key === undefined) {
        throw new KizunaError('STORE_WRONG_KEY', path === undefined ? 'The key file does not open this profile.' : `The key file ${path} does not open this profile.`);
      }
      return key;
    },
  };
}

/** The key-file wrapper for the file at `path` (created 0600 when `create` and it is missing). */
export async function openKeyFileWrapper(path: string, create: boolean): Promise<KeyWrapper> {
  await loadSodium();
  return createKeyFileWrapper(await readOrCreateKeyFile(path, create), path);
}
