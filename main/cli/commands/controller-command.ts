import { join } from 'node:path';
import { assertControllerBindAllowed, createSdkChannelModerator, DEFAULT_CONTROLLER_HOST, loadControllerAuthFile, startController } from '../../core/controller/index.js';
import { cliIdentityTokens, openApp } from '../cli-app.js';
import type { CliConfig } from '../cli-config.js';
import { printLine } from '../cli-output.js';
import { untilStopSignal } from '../stop-signal.js';

/**
 * `kizuna controller`: seed 000's control API (controlplane.v1 on localhost:50051 by default) with
 * a real moderator behind it: a headless profile that owns the channels it creates and invites
 * participants by SLIM name. Nodes started with `kizuna node --controller` register with it.
 */
export async function controllerCommand(config: CliConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  // Read first: a bad auth file (or a non-loopback host without one) fails before anything starts.
  const auth = typeof flags['auth'] === 'string' ? loadControllerAuthFile(flags['auth']) : undefined;
  assertControllerBindAllowed(typeof flags['host'] === 'string' ? flags['host'] : DEFAULT_CONTROLLER_HOST, auth);
  const identityTokens = cliIdentityTokens(flags);
  const app = await openApp(
    { ...config, dataDir: join(config.dataDir, 'moderator') },
    {
      identity: { displayName: 'Controller', slimName: typeof flags['local'] === 'string' ? flags['local'] : 'kizuna/controller/moderator' },
      ...(identityTokens === undefined ? {} : { identityTokens }),
    },
  );
  const moderator = createSdkChannelModerator({ app, stateFile: join(config.dataDir, 'moderator-channels.json') });
  const controller = await startController({
    dataDir: config.dataDir,
    moderator,
    ...(auth === undefined ? {} : { auth }),
    ...(typeof flags['host'] === 'string' ? { host: flags['host'] } : {}),
    ...(typeof flags['port'] === 'string' ? { port: Number(flags['port']) } : {}),
  });
  printLine(`controller listening on ${controller.address}${auth === undefined ? '' : auth.tls === undefined ? ' (tokens required)' : ' (TLS, tokens required)'}; moderator ${app.identity.slimName}`);
  await untilStopSignal();
  await controller.close();
  await app.close();
}
