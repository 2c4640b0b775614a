import { createApp, type KizunaApp } from '../host/sdk/index.js';
import { setLogLevel } from '../core/log/logger.js';
import type { CliConfig } from './cli-config.js';

/** Opens the profile for a command (and the connection to the node unless `offline`). */
export async function openApp(config: CliConfig, options: { identity?: { displayName: string; slimName?: string }; offline?: boolean } = {}): Promise<KizunaApp> {
  setLogLevel(config.logLevel);
  return createApp({
    dataDir: config.dataDir,
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    ...(config.node === '' ? {} : { node: config.node }),
    ...(config.passphrase === undefined ? {} : { passphrase: config.passphrase }),
    ...(config.keyFile === undefined ? {} : { keyFile: config.keyFile }),
    ...(options.offline === true ? { offline: true } : {}),
  });
}
