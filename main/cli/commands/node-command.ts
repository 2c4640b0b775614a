import { join } from 'node:path';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { loadControllerClientAuthFile } from '../../core/controller/index.js';
import { launchSlimNode } from '../../core/slim-node/slim-node-launcher.js';
import { createApp } from '../../host/sdk/index.js';
import type { CliConfig } from '../cli-config.js';
import { printLine } from '../cli-output.js';
import { untilStopSignal } from '../stop-signal.js';

/**
 * `kizuna node`: a real SLIM node (the official bindings) in the foreground, on 127.0.0.1:PORT or a
 * unix socket, with optional Basic auth; stopped cleanly by SIGINT/SIGTERM. With `--archive GROUP…`
 * it also runs an archive peer on it: a headless profile (its own identity, no group keys) that
 * stores those groups' ciphertext and answers catch-up requests.
 */
export async function nodeCommand(config: CliConfig, args: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const endpoint = typeof flags['endpoint'] === 'string' ? flags['endpoint'] : '127.0.0.1:46357';
  let auth: { username: string; password: string } | undefined;
  if (typeof flags['auth'] === 'string') {
    const i = flags['auth'].indexOf(':');
    if (i <= 0) throw new KizunaError('INVALID_INPUT', '--auth is user:password.');
    auth = { username: flags['auth'].slice(0, i), password: flags['auth'].slice(i + 1) };
  }
  const controllerAuth = typeof flags['controller-auth'] === 'string' ? loadControllerClientAuthFile(flags['controller-auth']) : undefined;
  const controller =
    typeof flags['controller'] === 'string'
      ? { endpoint: flags['controller'], nodeId: typeof flags['node-id'] === 'string' ? flags['node-id'] : 'slim/0', ...(controllerAuth ?? {}) }
      : undefined;
  const node = await launchSlimNode({ endpoint, ...(auth === undefined ? {} : { auth }), ...(controller === undefined ? {} : { controller }) });
  printLine(`SLIM node ${node.version} listening on ${endpoint} (pid ${node.pid})`);
  const archiveGroups = args;
  let archive: Awaited<ReturnType<typeof createApp>> | undefined;
  if (flags['archive'] === true || archiveGroups.length > 0) {
    if (archiveGroups.length === 0) throw new KizunaError('INVALID_INPUT', '--archive needs the group ids to serve.');
    archive = await createApp({
      dataDir: join(config.dataDir, 'archive'),
      identity: { displayName: 'archive' },
      node: endpoint,
      session: { archiveGroups },
      ...(config.passphrase === undefined ? {} : { passphrase: config.passphrase }),
    });
    printLine(`archive peer ${archive.identity.slimName} serving ${archiveGroups.length} group(s)`);
  }
  await Promise.race([untilStopSignal(), node.exited]);
  await archive?.close();
  await node.stop();
}
