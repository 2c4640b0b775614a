import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { KizunaError } from '../../shared/errors/kizuna-error.js';

/**
 * The one typed configuration of the headless tools: defaults, then KIZUNA_* environment
 * variables, then command-line flags (strongest).
 */
export const cliConfigSchema = z.object({
  dataDir: z.string().min(1),
  /** SLIM node endpoint; empty means the embedded node. */
  node: z.string(),
  /** Basic auth for the node, user:password. */
  nodeAuth: z
    .string()
    .regex(/^[^:]+:.+$/, 'node auth is user:password')
    .transform((v) => ({ username: v.slice(0, v.indexOf(':')), password: v.slice(v.indexOf(':') + 1) }))
    .optional(),
  passphrase: z.string().optional(),
  keyFile: z.string().optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
  /** Invite by SLIM name even when nothing verifies who answered (--accept-unverified, KIZUNA_ACCEPT_UNVERIFIED=1). */
  acceptUnverified: z.boolean().default(false),
});
export type CliConfig = z.infer<typeof cliConfigSchema>;

export function defaultDataDir(): string {
  const xdg = process.env['XDG_DATA_HOME'];
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Kizuna', 'cli');
  if (process.platform === 'win32') return join(process.env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Kizuna', 'cli');
  return join(xdg !== undefined && xdg.length > 0 ? xdg : join(homedir(), '.local', 'share'), 'kizuna', 'cli');
}

export function resolveConfig(flags: { 'data-dir'?: string; node?: string; 'node-auth'?: string; 'key-file'?: string; 'log-level'?: string; 'accept-unverified'?: boolean }): CliConfig {
  const env = process.env;
  const parsed = cliConfigSchema.safeParse({
    dataDir: flags['data-dir'] ?? env['KIZUNA_DATA_DIR'] ?? defaultDataDir(),
    node: flags.node ?? env['KIZUNA_NODE'] ?? '',
    nodeAuth: flags['node-auth'] ?? env['KIZUNA_NODE_AUTH'],
    passphrase: env['KIZUNA_PASSPHRASE'],
    keyFile: flags['key-file'] ?? env['KIZUNA_KEY_FILE'],
    logLevel: flags['log-level'] ?? env['KIZUNA_LOG_LEVEL'] ?? 'warn',
    acceptUnverified: flags['accept-unverified'] === true || env['KIZUNA_ACCEPT_UNVERIFIED'] === '1',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KizunaError('INVALID_CONFIG', `Invalid configuration: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}

/** Flags every command accepts: defined beside the other flags, without heavy imports. */
export { GLOBAL_FLAGS } from './cli-flags.js';
