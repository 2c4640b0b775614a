/**
 * Seed 000's `participant` and `moderator` speaking SLIM's own group-session protocol, so that they work
 * with apps written with the official SLIM bindings (chosen by `--shared-secret`, SLIM's identity for
 * those apps). No Kizuna profile is involved: like a SLIM app, the command has a fresh P-256 key and token.
 *
 *   participant --local org/ns/me --node HOST:PORT --shared-secret S [--message TEXT]
 *   moderator --local org/ns/me --node HOST:PORT --invites org/ns/app[,...] [--enable-mls] --shared-secret S [--message TEXT]
 */
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { setLogLevel } from '../../core/log/logger.js';
import { createSlimApp, messageText, type SlimApp, type SlimSessionMessage } from '../../host/sdk/index.js';
import type { CliConfig } from '../cli-config.js';
import { printLine } from '../cli-output.js';
import { untilStopSignal } from '../stop-signal.js';

type Flags = Record<string, string | boolean | undefined>;

interface Opened {
  readonly local: string;
  readonly app: SlimApp;
}

async function open(config: CliConfig, flags: Flags): Promise<Opened> {
  setLogLevel(config.logLevel);
  const local = typeof flags['local'] === 'string' ? flags['local'] : undefined;
  const secret = flags['shared-secret'];
  if (local === undefined) throw new KizunaError('INVALID_CONFIG', 'Give your SLIM name: --local org/ns/me');
  if (typeof secret !== 'string') throw new KizunaError('INVALID_CONFIG', 'Give the shared secret: --shared-secret S');
  if (config.node === '') throw new KizunaError('INVALID_CONFIG', 'Give the SLIM node: --node HOST:PORT');
  parseSlimName(local);
  const app = await createSlimApp({ name: local, node: config.node, sharedSecret: secret, ...(config.nodeAuth === undefined ? {} : { nodeAuth: config.nodeAuth }) });
  return { local, app };
}

interface MessageSource {
  nextMessage(timeoutMs: number): Promise<SlimSessionMessage | undefined>;
  publish(payload: Uint8Array): Promise<void>;
}

async function chat(opened: Opened, session: MessageSource, flags: Flags, ended: Promise<unknown>): Promise<void> {
  const { local } = opened;
  const message = typeof flags['message'] === 'string' ? flags['message'] : undefined;
  const stopAfter = typeof flags['stop-after'] === 'string' ? Number(flags['stop-after']) : undefined;
  if (message !== undefined) {
    await session.publish(new TextEncoder().encode(message));
    printLine(`${local} -> sent: ${message}`);
  }
  let done = false;
  const receiving = (async () => {
    let received = 0;
    while (!done) {
      const m = await session.nextMessage(60_000);
      if (m === undefined) continue;
      printLine(`${local} -> Received message from ${m.source}: ${messageText(m)}`);
      received += 1;
      if (stopAfter !== undefined && received >= stopAfter) return;
    }
  })();
  await Promise.race([untilStopSignal(), receiving, ended]);
  done = true;
}

export async function slimParticipantCommand(config: CliConfig, flags: Flags): Promise<void> {
  const opened = await open(config, flags);
  try {
    printLine(`${opened.local} -> Waiting for session...`);
    const session = await opened.app.listenForSession();
    printLine(`${opened.local} -> joined SLIM session ${session.sessionId}${session.mlsEnabled ? ' (MLS)' : ''}: ${session.members().join(', ')}`);
    const ended = new Promise<void>((resolve) =>
      session.once('ended', (reason) => {
        printLine(`${opened.local} -> session ${reason}`);
        resolve();
      }),
    );
    await chat(opened, session, flags, ended);
    await session.close();
  } finally {
    await opened.app.close();
  }
}

export async function slimModeratorCommand(config: CliConfig, flags: Flags): Promise<void> {
  const invites = typeof flags['invites'] === 'string' ? flags['invites'].split(',').map((s) => s.trim()).filter((s) => s.length > 0) : [];
  if (invites.length === 0) throw new KizunaError('INVALID_CONFIG', 'Invite at least one participant: --invites org/ns/app');
  const opened = await open(config, flags);
  try {
    const session = await opened.app.createSession({
      channelName: typeof flags['channel'] === 'string' ? flags['channel'] : 'agntcy/namespace/group_channel',
      mlsEnabled: flags['enable-mls'] === true,
      ...(typeof flags['timeout'] === 'string' ? { timeout: Number(flags['timeout']) * 1000 } : {}),
      ...(typeof flags['max-retries'] === 'string' ? { maxRetries: Number(flags['max-retries']) } : {}),
    });
    for (const invite of invites) {
      await session.invite(parseSlimName(invite));
      printLine(`${opened.local} -> add ${invite} to the group`);
    }
    await chat(opened, session, flags, new Promise<never>(() => undefined));
    await session.end();
  } finally {
    await opened.app.close();
  }
}
