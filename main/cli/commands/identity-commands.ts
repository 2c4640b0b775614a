import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { openApp } from '../cli-app.js';
import type { CliConfig } from '../cli-config.js';
import { printLine, printPerson, printSafetyNumber } from '../cli-output.js';

export async function identityCommand(config: CliConfig, args: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const sub = args[0];
  if (sub === 'create') {
    const name = flags['name'];
    if (typeof name !== 'string') throw new KizunaError('INVALID_INPUT', 'identity create needs --name.');
    const slimName = typeof flags['slim-name'] === 'string' ? flags['slim-name'] : undefined;
    const app = await openApp(config, { identity: { displayName: name, ...(slimName === undefined ? {} : { slimName }) }, offline: true });
    try {
      const id = app.identity;
      printLine(`user id:   ${id.userId}`);
      printLine(`name:      ${id.displayName}`);
      printLine(`SLIM name: ${id.slimName}`);
      printLine(`card:      ${id.card}`);
    } finally {
      await app.close();
    }
    return;
  }
  const app = await openApp(config, { offline: true });
  try {
    if (sub === 'show' || sub === undefined) {
      const id = app.identity;
      printLine(`${id.userId}  ${id.displayName}  ${id.slimName}`);
    } else if (sub === 'card') printLine(app.identity.card);
    else throw new KizunaError('INVALID_INPUT', `Unknown: identity ${sub}. Use create, show or card.`);
  } finally {
    await app.close();
  }
}

export async function contactCommand(config: CliConfig, args: string[], flags: Record<string, string | boolean | undefined> = {}): Promise<void> {
  const [sub, arg] = args;
  const app = await openApp(config, { offline: true });
  const engine = app.core.engine;
  try {
    switch (sub) {
      case 'add':
        printPerson(engine.addContact(need(arg, 'a contact card')));
        break;
      case 'list':
      case undefined:
        engine.listContacts().forEach(printPerson);
        break;
      case 'blocked':
        engine.listBlocked().forEach(printPerson);
        break;
      case 'remove':
        engine.removeContact(need(arg, 'a user id'));
        break;
      case 'block':
        printPerson(engine.blockContact(need(arg, 'a user id or card').startsWith('kizuna') ? { card: arg ?? '' } : { userId: arg ?? '' }));
        break;
      case 'unblock':
        printPerson(engine.unblockContact(need(arg, 'a user id')));
        break;
      case 'verify': {
        const match = flags['match'];
        if (match !== undefined && typeof match !== 'string') throw new KizunaError('INVALID_INPUT', '--match needs their safety number.');
        const id = need(arg, 'a user id');
        printSafetyNumber(match === undefined ? engine.safetyNumber(id) : engine.verifyContact(id, match));
        break;
      }
      case 'unverify':
        printSafetyNumber(engine.unverifyContact(need(arg, 'a user id')));
        break;
      default:
        throw new KizunaError('INVALID_INPUT', `Unknown: contact ${sub}. Use add, list, blocked, remove, block, unblock, verify or unverify.`);
    }
  } finally {
    await app.close();
  }
}

export function need(value: string | undefined, what: string): string {
  if (value === undefined || value.length === 0) throw new KizunaError('INVALID_INPUT', `Missing ${what}.`);
  return value;
}
