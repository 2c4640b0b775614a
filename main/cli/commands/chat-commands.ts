import { createInterface } from 'node:readline';
import type { EncryptionMode } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { GroupSession, KizunaApp } from '../../host/sdk/index.js';
import { cliIdentityTokens, openApp } from '../cli-app.js';
import type { CliConfig } from '../cli-config.js';
import { groupChangeLine } from '../group-change-line.js';
import { deliveryFailedLine } from '../delivery-failed-line.js';
import { messagesRetractedLine } from '../messages-retracted-line.js';
import { choiceFlag, intFlag } from '../cli-flags.js';
import { messageBody, printLine } from '../cli-output.js';
import { untilStopSignal } from '../stop-signal.js';
import { slimModeratorCommand, slimParticipantCommand } from './slim-session-commands.js';

const ENCRYPTION_MODES: readonly EncryptionMode[] = ['mls', 'sealed', 'none'];

/**
 * Seed 000's multicast example, as commands: a moderator creates a channel and invites
 * `--invites org/ns/bob,org/ns/carol` (`--enable-mls`), participants wait for an invitation; both
 * then print what they receive and publish every line typed (or `--message` once).
 */
function identityFlags(flags: Record<string, string | boolean | undefined>): { displayName: string; slimName?: string } | undefined {
  const local = typeof flags['local'] === 'string' ? flags['local'] : undefined;
  const name = typeof flags['name'] === 'string' ? flags['name'] : local?.split('/').pop();
  if (name === undefined) return undefined;
  return local === undefined ? { displayName: name } : { displayName: name, slimName: local };
}

async function loop(app: KizunaApp, session: GroupSession, local: string, message: string | undefined, stopAfter: number | undefined): Promise<void> {
  let received = 0;
  let done = false;
  const stop = untilStopSignal();
  // Seed 000: after the last retry a failure is reported, never silent.
  session.onDeliveryFailed((f) => printLine(`${local} -> delivery failed (${f.reason}): message ${f.messageId}, ${f.detail}`));
  const rl = process.stdin.isTTY || process.env['KIZUNA_READ_STDIN'] === '1' ? createInterface({ input: process.stdin }) : undefined;
  rl?.on('line', (line) => {
    if (line.trim().length > 0) void session.publish(line).catch((e: Error) => printLine(`${local} -> error: ${e.message}`));
  });
  if (message !== undefined) {
    await session.publish(message);
    printLine(`${local} -> sent: ${message}`);
  }
  const receiving = (async () => {
    while (!done) {
      const m = await session.getMessage({ timeoutMs: 60 * 60 * 1000 }).catch(() => undefined);
      if (m === undefined) continue;
      const text = m.context.kind === 'text' ? new TextDecoder().decode(m.payload) : `[${m.context.fileName}, ${m.payload.byteLength} bytes]`;
      printLine(`${local} -> Received message from ${m.context.sourceName}: ${text}`);
      received++;
      if (stopAfter !== undefined && received >= stopAfter) break;
    }
  })();
  await Promise.race([stop, receiving]);
  done = true;
  rl?.close();
  await app.close();
}

function appOptions(flags: Record<string, string | boolean | undefined>) {
  const identity = identityFlags(flags);
  const identityTokens = cliIdentityTokens(flags);
  return { ...(identity === undefined ? {} : { identity }), ...(identityTokens === undefined ? {} : { identityTokens }) };
}

/** `--shared-secret` (SLIM apps' identity) selects SLIM's own session protocol; `--protocol kizuna` keeps Kizuna groups. */
function speaksSlim(flags: Record<string, string | boolean | undefined>): boolean {
  return typeof flags['shared-secret'] === 'string' && flags['protocol'] !== 'kizuna';
}

export async function moderatorCommand(config: CliConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  if (speaksSlim(flags)) return slimModeratorCommand(config, flags);
  // Flags are checked before the profile opens, so a typo costs nothing.
  const mode: EncryptionMode = choiceFlag(flags, 'mode', ENCRYPTION_MODES) ?? (flags['enable-mls'] === true ? 'mls' : 'none');
  const maxRetries = intFlag(flags, 'max-retries', { min: 0, max: 100 });
  const timeoutS = intFlag(flags, 'timeout', { min: 1, max: 600 });
  const stopAfter = stopAfterFlag(flags);
  const app = await openApp(config, appOptions(flags));
  await app.waitOnline();
  const invites = typeof flags['invites'] === 'string' ? flags['invites'].split(',').map((s) => s.trim()).filter((s) => s.length > 0) : [];
  if (invites.length < 2) throw new KizunaError('GROUP_TOO_FEW_MEMBERS', 'Invite at least two participants: --invites org/ns/bob,org/ns/carol');
  const session = await app.createSession({
    channelName: typeof flags['channel'] === 'string' ? flags['channel'] : 'agntcy/namespace/group_channel',
    invites,
    mode,
    ...(maxRetries === undefined ? {} : { maxRetries }),
    ...(timeoutS === undefined ? {} : { timeout: timeoutS * 1000 }),
  });
  const local = app.identity.slimName;
  for (const name of invites) printLine(`${local} -> add ${name} to the group`);
  printLine(`${local} -> group ${session.groupId} (${mode})`);
  // Members must be in before a message reaches them: wait until everyone invited has joined.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !app.core.engine.getGroup(session.groupId).members.every((m) => m.status === 'joined')) {
    await app.core.engine.events.waitFor('group', (g) => g.groupId === session.groupId, 5_000).catch(() => undefined);
  }
  await loop(app, session, local, typeof flags['message'] === 'string' ? flags['message'] : undefined, stopAfter);
}

export async function participantCommand(config: CliConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  if (speaksSlim(flags)) return slimParticipantCommand(config, flags);
  const stopAfter = stopAfterFlag(flags);
  const app = await openApp(config, appOptions(flags));
  await app.waitOnline();
  const local = app.identity.slimName;
  printLine(`${local} -> Waiting for session...`);
  const session = await app.listenForSession();
  printLine(`${local} -> joined ${session.name} (${session.groupId})`);
  await loop(app, session, local, typeof flags['message'] === 'string' ? flags['message'] : undefined, stopAfter);
}

function stopAfterFlag(flags: Record<string, string | boolean | undefined>): number | undefined {
  return intFlag(flags, 'stop-after', { min: 1, max: 1_000_000 });
}

/** Prints everything that arrives (messages, invitations, group changes, delivery failures, retractions) until interrupted; `--accept` joins invitations. */
export async function listenCommand(config: CliConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const app = await openApp(config, appOptions(flags));
  const engine = app.core.engine;
  engine.events.on('message', (m) => {
    if (!m.isMine) printLine(`${m.groupId.slice(0, 8)} ${m.senderName}: ${messageBody(m)}`);
  });
  engine.events.on('invitation', (i) => {
    if (i.state !== 'pending') return;
    printLine(`invitation to ${i.groupName} (${i.groupId}) from ${i.inviterName}`);
    if (flags['accept'] === true) void engine.acceptInvitation(i.groupId);
  });
  engine.events.on('group-change', (c) => printLine(groupChangeLine(c)));
  engine.events.on('delivery-failed', (f) => printLine(deliveryFailedLine(f)));
  engine.events.on('messages-retracted', (r) => printLine(messagesRetractedLine(r)));
  // Says when the node routes to us (our name subscribed): what others publish from then on reaches us.
  app.waitOnline().then(
    () => printLine(`listening as ${app.identity.slimName}`),
    () => undefined,
  );
  await untilStopSignal();
  await app.close();
}
