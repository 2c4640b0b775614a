import { createInterface } from 'node:readline';
import type { EncryptionMode, MessageView, PersonView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { KizunaApp } from '../../host/sdk/index.js';
import { openApp } from '../cli-app.js';
import type { CliConfig } from '../cli-config.js';
import { choiceFlag, intFlag, stringFlag, type Flags } from '../cli-flags.js';
import { printLine, printMessage } from '../cli-output.js';
import { groupChangeLine } from '../group-change-line.js';
import { untilStopSignal } from '../stop-signal.js';
import { flush } from './group-commands.js';

const ENCRYPTION_MODES: readonly EncryptionMode[] = ['mls', 'sealed', 'none'];
const HISTORY_LINES = 20;

/**
 * `kizuna chat WHO`: a one-to-one chat with a contact (issue 11: two people who just swapped cards
 * can talk in the CLI). It opens the direct chat with WHO (joining theirs if they already started
 * one and its invitation waits here, otherwise starting one), prints the recent history, then every
 * message and change as it arrives, and sends each line typed (or --message once).
 */
export async function directChatCommand(config: CliConfig, args: string[], flags: Flags): Promise<void> {
  const who = args[0];
  if (who === undefined || who.trim() === '') throw new KizunaError('INVALID_INPUT', 'Say who to chat with: kizuna chat NAME|USER_ID|org/ns/name (one of your contacts).');
  // Flags are checked before the profile opens, so a typo costs nothing.
  const mode = choiceFlag(flags, 'mode', ENCRYPTION_MODES);
  const stopAfter = intFlag(flags, 'stop-after', { min: 1, max: 1_000_000 });
  const message = stringFlag(flags, 'message');
  const app = await openApp(config, {});
  try {
    const contact = findContact(app.core.engine.listContacts(), who.trim());
    const groupId = await openDirectChat(app, contact, mode);
    await converse(app, groupId, contact, message, stopAfter);
  } finally {
    await app.close();
  }
}

/** The contact WHO names: by user id, SLIM name or display name (which must then be unique). */
export function findContact(contacts: PersonView[], who: string): PersonView {
  const exact = contacts.find((c) => c.userId === who || c.slimName === who);
  if (exact !== undefined) return exact;
  const named = contacts.filter((c) => c.displayName.toLowerCase() === who.toLowerCase());
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new KizunaError('INVALID_INPUT', `More than one contact is called "${who}": use a user id (${named.map((c) => c.userId).join(', ')}).`);
  }
  throw new KizunaError('CONTACT_NOT_FOUND', `"${who}" is not one of your contacts. Add their card first: kizuna contact add CARD`);
}

/**
 * The direct chat with them in `mode`: createGroup({direct}) returns the one we have, joins theirs
 * if its invitation waits here, or starts one. Without --mode, the mode of their waiting invitation
 * (if any) is the one asked for, so their chat is joined rather than a second one started.
 */
async function openDirectChat(app: KizunaApp, contact: PersonView, mode: EncryptionMode | undefined): Promise<string> {
  const engine = app.core.engine;
  const theirs = engine.listInvitations().find((i) => i.inviter === contact.userId && engine.getGroup(i.groupId).direct);
  const joinedBefore = new Set(engine.listGroups().filter((g) => g.myState === 'joined').map((g) => g.groupId));
  const group = await engine.createGroup({ name: '', members: [contact.userId], mode: mode ?? theirs?.mode ?? 'mls', direct: true });
  // Their chat, which we were not in a moment ago: it was their invitation that got joined.
  if (group.creator === contact.userId && !joinedBefore.has(group.groupId)) printLine(`joining ${contact.displayName}'s chat…`);
  return group.groupId;
}

async function converse(app: KizunaApp, groupId: string, contact: PersonView, message: string | undefined, stopAfter: number | undefined): Promise<void> {
  const engine = app.core.engine;
  const group = engine.getGroup(groupId);
  printLine(`chat with ${contact.displayName} (${group.mode}${group.myState === 'joined' ? '' : `, ${group.myState}`}); type a line to send it, Ctrl-C to stop`);
  for (const m of engine.latestMessages(groupId, HISTORY_LINES).messages) printMessage(m);

  let received = 0;
  let finish: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => (finish = resolve));
  const show = (m: MessageView): void => {
    if (m.groupId !== groupId || m.isMine) return;
    printMessage(m);
    if (stopAfter !== undefined && ++received >= stopAfter) finish();
  };
  engine.events.on('message', show);
  engine.events.on('group-change', (c) => {
    if (c.groupId === groupId) printLine(groupChangeLine(c));
  });
  engine.events.on('delivery-failed', (f) => {
    if (f.groupId === groupId) printLine(`delivery failed (${f.reason}): message ${f.messageId}`);
  });
  const send = (text: string): void => {
    engine.sendText(groupId, text).then(
      (m) => printLine(`sent: ${m.text}`),
      (e: Error) => printLine(`error: ${e.message}`),
    );
  };
  const rl = process.stdin.isTTY || process.env['KIZUNA_READ_STDIN'] === '1' ? createInterface({ input: process.stdin }) : undefined;
  rl?.on('line', (line) => {
    if (line.trim().length > 0) send(line);
  });
  if (message !== undefined) send(message);
  await Promise.race([untilStopSignal(), enough]);
  rl?.close();
  await flush(app);
}
