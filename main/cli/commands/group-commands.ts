import type { EncryptionMode } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { KizunaApp } from '../../host/sdk/index.js';
import { openApp } from '../cli-app.js';
import type { CliConfig } from '../cli-config.js';
import { choiceFlag, intFlag } from '../cli-flags.js';
import { printGroup, printLine, printMessage } from '../cli-output.js';
import { need } from './identity-commands.js';

const ONLINE = new Set(['create', 'invite', 'remove', 'send', 'accept', 'decline', 'leave', 'delete', 'rename']);

/** Names (SLIM names) or user ids of members, comma separated. */
async function memberIds(app: KizunaApp, list: string): Promise<string[]> {
  const out: string[] = [];
  for (const item of list.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    out.push(item.includes('/') ? await app.resolve(item) : item);
  }
  return out;
}

/** Waits (bounded) for what a command queued to leave the outbox; anything left goes next time. */
export async function flush(app: KizunaApp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await app.waitOnline(timeoutMs).catch(() => undefined);
  while (Date.now() < deadline && app.core.engine.stats().outbox['pending']! > 0) await new Promise((r) => setTimeout(r, 50));
}

export async function groupCommand(config: CliConfig, args: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [sub, groupId, ...rest] = args;
  const online = sub !== undefined && ONLINE.has(sub);
  const app = await openApp(config, { offline: !online });
  const engine = app.core.engine;
  try {
    switch (sub) {
      case 'list':
      case undefined:
        engine.listGroups().forEach(printGroup);
        break;
      case 'invitations':
        for (const i of engine.listInvitations()) printLine(`${i.groupId}  ${i.groupName}  from ${i.inviterName}  [${i.mode}]`);
        break;
      case 'create': {
        const direct = flags['direct'] === true;
        const name = typeof flags['name'] === 'string' ? flags['name'] : direct ? (groupId ?? '') : need(groupId, 'a group name');
        const members = await memberIds(app, need(typeof flags['members'] === 'string' ? flags['members'] : undefined, '--members'));
        const mode: EncryptionMode = choiceFlag(flags, 'mode', ['mls', 'sealed', 'none'] as const) ?? 'mls';
        printGroup(await engine.createGroup({ name, members, mode, direct }));
        await flush(app);
        break;
      }
      case 'invite':
        printGroup(await engine.addMembers(need(groupId, 'a group id'), await memberIds(app, need(rest[0], 'who to invite'))));
        await flush(app);
        break;
      case 'remove':
        printGroup(await engine.removeMembers(need(groupId, 'a group id'), await memberIds(app, need(rest[0], 'who to remove'))));
        await flush(app);
        break;
      case 'rename':
        printGroup(await engine.renameGroup(need(groupId, 'a group id'), need(rest.join(' '), 'a name')));
        await flush(app);
        break;
      case 'accept':
        printGroup(await engine.acceptInvitation(need(groupId, 'a group id')));
        await flush(app);
        break;
      case 'decline':
        engine.declineInvitation(need(groupId, 'a group id'));
        await flush(app);
        break;
      case 'leave':
        await engine.leaveGroup(need(groupId, 'a group id'));
        await flush(app);
        break;
      case 'delete':
        printGroup(await engine.deleteGroup(need(groupId, 'a group id')));
        await flush(app);
        break;
      case 'send':
        printMessage(await engine.sendText(need(groupId, 'a group id'), need(rest.join(' '), 'a message')));
        await flush(app);
        break;
      case 'history': {
        const limit = intFlag(flags, 'limit', { min: 1, max: 10_000 }) ?? 50;
        engine.latestMessages(need(groupId, 'a group id'), limit).messages.forEach(printMessage);
        break;
      }
      default:
        throw new KizunaError('INVALID_INPUT', `Unknown: group ${sub}. Use list, invitations, create, invite, remove, rename, accept, decline, leave, delete, send or history.`);
    }
  } finally {
    await app.close();
  }
}
