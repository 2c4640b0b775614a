import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { fromBase64Url } from './base64url.js';

/** A 32-byte id (a user, group or message) from its base64url text; INVALID_INPUT saying which otherwise. */
export function parseId(text: string, what: 'user' | 'group' | 'message'): Uint8Array {
  const id = fromBase64Url(text);
  if (id === undefined || id.byteLength !== 32) throw new KizunaError('INVALID_INPUT', `A ${what} id is 43 characters of base64url.`);
  return id;
}
