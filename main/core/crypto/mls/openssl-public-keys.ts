import { createPublicKey, type KeyObject } from 'node:crypto';
import { toBase64Url } from '../../encoding/base64url.js';

/**
 * OpenSSL key objects for raw public keys, imported once per curve: a group's leaf keys recur from
 * message to message and commit to commit, and a JWK import costs about as much as the rest of
 * decrypting a message. A key that does not import throws and is not kept. Oldest out first.
 */
const KEPT_PER_CURVE = 4096;
const kept = { Ed25519: new Map<string, KeyObject>(), X25519: new Map<string, KeyObject>() };

export function importedPublicKey(crv: 'Ed25519' | 'X25519', raw: Uint8Array): KeyObject {
  const keys = kept[crv];
  const x = toBase64Url(raw);
  let key = keys.get(x);
  if (key === undefined) {
    key = createPublicKey({ key: { kty: 'OKP', crv, x }, format: 'jwk' });
    if (keys.size >= KEPT_PER_CURVE) keys.delete(keys.keys().next().value as string);
    keys.set(x, key);
  }
  return key;
}
