import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createLogger } from '../../core/log/logger.js';

const log = createLogger('web-host');

/** Beside the profile's database: where `kizuna web` last listened and with which token (owner-only). */
export const WEB_ADDRESS_FILE = 'web-host.json';

const addressSchema = z.object({
  version: z.literal(1),
  port: z.number().int().min(1).max(65535),
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

export interface WebAddress {
  port: number;
  token: string;
}

/**
 * The port and token the last `kizuna web` on this profile used, so a restart serves the same address
 * and an open tab (whose cookie holds the token) reconnects by itself. A missing or damaged file is
 * no address at all: the host then starts afresh.
 */
export async function readWebAddress(dataDir: string): Promise<WebAddress | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, WEB_ADDRESS_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = addressSchema.parse(JSON.parse(text));
    return { port: parsed.port, token: parsed.token };
  } catch {
    log.warn('ignoring a damaged web host address file', { file: WEB_ADDRESS_FILE });
    return null;
  }
}

/** Saves the address atomically (temp file + rename), readable by the owner only: the token opens the profile's UI. */
export async function saveWebAddress(dataDir: string, address: WebAddress): Promise<void> {
  const path = join(dataDir, WEB_ADDRESS_FILE);
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify({ version: 1, port: address.port, token: address.token }) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}
