import { scrypt } from 'node:crypto';
import { z } from 'zod';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { aeadDecrypt, aeadEncrypt, randomBytes } from '../crypto/aead.js';
import { sodium } from '../crypto/sodium.js';
import { bytesEqual, concatBytes, fromBase64Url, toBase64Url, utf8 } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { validateDisplayName } from './display-name.js';
import type { SelfKeys } from '../crypto/self-keys.js';

/**
 * An identity backup: the user's two key pairs, name and SLIM name, encrypted with a passphrase
 * (scrypt + XChaCha20-Poly1305). Restoring it on a new device makes the same person, whom contacts
 * and groups recognise by the same keys.
 */
const LABEL = utf8('kizuna/identity-export/v1');
const COST = { N: 2 ** 15, r: 8, p: 1 };

const fileSchema = z.object({
  kizunaIdentity: z.literal(1),
  displayName: z.string(),
  slimName: z.string(),
  createdAt: z.number().int().nonnegative(),
  userId: z.string(),
  salt: z.string(),
  scrypt: z.object({ N: z.number().int().positive().max(2 ** 20), r: z.number().int().positive().max(32), p: z.number().int().positive().max(16) }),
  sealed: z.string(),
});

function kek(passphrase: string, salt: Uint8Array, cost: { N: number; r: number; p: number }): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r }, (err, key) =>
      err ? reject(new KizunaError('IDENTITY_FILE_INVALID', err.message)) : resolve(new Uint8Array(key)),
    ),
  );
}

export async function exportIdentity(ctx: EngineContext, passphrase: string): Promise<{ fileName: string; content: string }> {
  if (passphrase.length < 8) throw new KizunaError('PASSPHRASE_TOO_SHORT');
  const self = ctx.self();
  const salt = randomBytes(16);
  const key = await kek(passphrase, salt, COST);
  const secrets = concatBytes(self.signSecret, self.boxSecret);
  const content = JSON.stringify(
    {
      kizunaIdentity: 1,
      displayName: self.displayName,
      slimName: self.slimName,
      createdAt: self.createdAt,
      userId: toBase64Url(self.userId),
      salt: toBase64Url(salt),
      scrypt: COST,
      sealed: toBase64Url(aeadEncrypt(key, secrets, LABEL)),
    },
    null,
    2,
  );
  return { fileName: `kizuna-identity-${self.displayName.replace(/[^\p{L}\p{N}_-]+/gu, '_')}.json`, content };
}

/** Parses and decrypts a backup into keys; the caller stores them as the profile's identity. */
export async function readIdentityExport(content: string, passphrase: string): Promise<Omit<SelfKeys, 'createdAt'> & { createdAt: number }> {
  let file: z.infer<typeof fileSchema>;
  try {
    file = fileSchema.parse(JSON.parse(content));
  } catch {
    throw new KizunaError('IDENTITY_FILE_INVALID');
  }
  const salt = fromBase64Url(file.salt);
  const sealed = fromBase64Url(file.sealed);
  const userId = fromBase64Url(file.userId);
  if (salt === undefined || sealed === undefined || userId === undefined || userId.byteLength !== 32) throw new KizunaError('IDENTITY_FILE_INVALID');
  const secrets = aeadDecrypt(await kek(passphrase, salt, file.scrypt), sealed, LABEL);
  if (secrets === undefined || secrets.byteLength !== 96) throw new KizunaError('IDENTITY_FILE_INVALID', 'The passphrase is not correct, or the file is damaged.');
  const signSecret = secrets.slice(0, 64);
  const boxSecret = secrets.slice(64);
  const signPublic = signSecret.slice(32);
  const boxPublic = sodium().crypto_scalarmult_base(boxSecret);
  if (!bytesEqual(signPublic, userId)) throw new KizunaError('IDENTITY_FILE_INVALID');
  return { userId, signPublic, signSecret, boxPublic, boxSecret, displayName: validateDisplayName(file.displayName), slimName: file.slimName, createdAt: file.createdAt };
}
