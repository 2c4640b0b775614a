import { identityTokensFromOptions, parseIdentityOptions, type IdentityTokens } from '../core/identity/tokens/index.js';
import { createApp, type KizunaApp } from '../host/sdk/index.js';
import { setLogLevel } from '../core/log/logger.js';
import type { CliConfig } from './cli-config.js';
import { requireExistingProfile } from './require-profile.js';

/** Identity tokens from the seed's options (flags or KIZUNA_* variables), when any is given. */
export function cliIdentityTokens(flags: Record<string, string | boolean | undefined>): IdentityTokens | undefined {
  const options = parseIdentityOptions({ flags, env: process.env });
  return Object.keys(options).length === 0 ? undefined : identityTokensFromOptions(options);
}

/** Opens the profile for a command (and the connection to the node unless `offline`). */
export async function openApp(
  config: CliConfig,
  options: { identity?: { displayName: string; slimName?: string }; offline?: boolean; identityTokens?: IdentityTokens } = {},
): Promise<KizunaApp> {
  setLogLevel(config.logLevel);
  // Without an identity to create, a command only reads: it must not create a profile.
  if (options.identity === undefined) requireExistingProfile(config.dataDir);
  return createApp({
    dataDir: config.dataDir,
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    ...(config.node === '' ? {} : { node: config.node }),
    ...(config.nodeAuth === undefined ? {} : { nodeAuth: config.nodeAuth }),
    ...(config.passphrase === undefined ? {} : { passphrase: config.passphrase }),
    ...(config.keyFile === undefined ? {} : { keyFile: config.keyFile }),
    ...(options.offline === true ? { offline: true } : {}),
    ...(options.identityTokens === undefined ? {} : { identityTokens: options.identityTokens }),
    ...(config.acceptUnverified ? { acceptUnverified: true } : {}),
  });
}
