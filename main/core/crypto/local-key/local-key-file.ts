import { randomBytes } from 'node:crypto';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import type { KeyWrapper, WrappedKeyRecord } from './key-wrapper.js';

const LOCAL_KEY_FILE = 'local-key.json';

const recordSchema = z.object({
  version: z.literal(1),
  kind: z.enum(['passphrase', 'key-file', 'os-keyring']),
  wrapped: z.string().min(1),
  salt: z.string().optional(),
  scrypt: z.object({ N: z.number().int().positive(), r: z.number().int().positive(), p: z.number().int().positive() }).optional(),
});

/**
 * Loads the profile's data key through the wrapper, or creates and wraps a new one on first run.
 * The file is written atomically (temp file + rename) so a crash never leaves half a key record.
 */
export async function loadOrCreateLocalKey(dataDir: string, wrapper: KeyWrapper): Promise<{ key: Uint8Array; created: boolean }> {
  const path = join(dataDir, LOCAL_KEY_FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new KizunaError('KEY_PROVIDER_FAILED', `Cannot read ${path}.`);
  }
  if (text === undefined) {
    // Node's CSPRNG, not libsodium's: reading a profile (loadOrCreateLocalKey) must not need libsodium.
    const key = new Uint8Array(randomBytes(32));
    const record = await wrapper.wrap(key);
    const tmp = `${path}.tmp`;
    await writeFile(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, path);
    return { key, created: true };
  }
  let parsed: WrappedKeyRecord;
  try {
    parsed = recordSchema.parse(JSON.parse(text));
  } catch {
    throw new KizunaError('STORE_CORRUPT', `${path} is not a valid local key record.`);
  }
  if (parsed.kind !== wrapper.kind) {
    throw new KizunaError('STORE_WRONG_KEY', `This profile is protected by ${parsed.kind}, not ${wrapper.kind}.`);
  }
  return { key: await wrapper.unwrap(parsed), created: false };
}

/** Whether a profile folder already holds a local key record (first run detection). */
export async function hasLocalKey(dataDir: string): Promise<boolean> {
  try {
    await readFile(join(dataDir, LOCAL_KEY_FILE));
    return true;
  } catch {
    return false;
  }
}

/**
 * What protects the profile's key now (the record's kind only, nothing unwrapped), or null when
 * the profile has none yet. The desktop shell asks this before it chooses how to unlock.
 */
export async function readLocalKeyKind(dataDir: string): Promise<KeyWrapper['kind'] | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, LOCAL_KEY_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new KizunaError('KEY_PROVIDER_FAILED', "The profile's local key record cannot be read.", undefined, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KizunaError('STORE_CORRUPT', "The profile's local key record is damaged.");
  }
  const kind = recordSchema.shape.kind.safeParse((json as { kind?: unknown } | null)?.kind);
  if (!kind.success) throw new KizunaError('STORE_CORRUPT', "The profile's local key record is damaged.");
  return kind.data;
}
