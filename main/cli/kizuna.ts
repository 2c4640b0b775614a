#!/usr/bin/env node
/**
 * `kizuna`: the headless Kizuna (bots, operators, tests). `kizuna --help` lists the commands;
 * `kizuna COMMAND --help` describes one (see cli-help.ts).
 *
 * Each command's module is imported only when that command runs: the built CLI (dist/cli, see
 * scripts/cli-bundle-options.ts) keeps them in separate chunks, so `--help` starts without loading
 * the engine, grpc-js, ts-mls or the SLIM bindings.
 */
import { isKizunaError } from '../../shared/errors/kizuna-error.js';
import type { Flags } from './cli-flags.js';
import { parseCommandLine, type CommandLine } from './command-line.js';
import { COMMAND_HELP, helpFor } from './cli-help.js';

type Command = (args: string[], flags: Flags) => Promise<void>;

/** Opens the configuration (zod) only once a command really runs. */
async function config(flags: Flags) {
  const { resolveConfig } = await import('./cli-config.js');
  return resolveConfig(flags);
}

const COMMANDS: Record<string, Command> = {
  identity: async (args, flags) => (await import('./commands/identity-commands.js')).identityCommand(await config(flags), args, flags),
  contact: async (args, flags) => (await import('./commands/identity-commands.js')).contactCommand(await config(flags), args, flags),
  contacts: async (args, flags) => (await import('./commands/identity-commands.js')).contactCommand(await config(flags), args, flags),
  group: async (args, flags) => (await import('./commands/group-commands.js')).groupCommand(await config(flags), args, flags),
  moderator: async (_args, flags) => (await import('./commands/chat-commands.js')).moderatorCommand(await config(flags), flags),
  participant: async (_args, flags) => (await import('./commands/chat-commands.js')).participantCommand(await config(flags), flags),
  chat: async (args, flags) => (await import('./commands/direct-chat-command.js')).directChatCommand(await config(flags), args, flags),
  listen: async (_args, flags) => (await import('./commands/chat-commands.js')).listenCommand(await config(flags), flags),
  node: async (args, flags) => (await import('./commands/node-command.js')).nodeCommand(await config(flags), args, flags),
  controller: async (_args, flags) => (await import('./commands/controller-command.js')).controllerCommand(await config(flags), flags),
};

/** Read-only commands tried first on the lean path (commands/read-commands.ts): no engine to load. */
const LEAN_READS = new Set(['group', 'group list', 'group invitations', 'contact', 'contact list', 'contact blocked', 'identity', 'identity show']);

async function leanRead(command: string, args: string[], flags: Flags): Promise<boolean> {
  if (!LEAN_READS.has(args[0] === undefined ? command : `${command} ${args[0]}`)) return false;
  return (await import('./commands/read-commands.js')).readCommand(await config(flags), command, args[0]);
}

async function main(argv: string[]): Promise<number> {
  // `kizuna web` takes the browser host's own flags.
  if (argv[0] === 'web') {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(helpFor('web') + '\n');
      return 0;
    }
    const { webMain } = await import('../host/browser/web-main.js');
    await webMain(argv.slice(1));
    if (typeof process.exitCode === 'number' && process.exitCode !== 0) return process.exitCode;
    return await new Promise<number>(() => undefined); // serves until a signal stops it
  }
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    const command = argv.find((a) => !a.startsWith('-'));
    process.stderr.write(`${(err as Error).message}\n\n${helpFor(command)}\n`);
    return 2;
  }
  const [command, ...args] = parsed.positionals;
  const flags = parsed.flags;
  if (command === undefined || flags['help'] === true) {
    const known = command === undefined || COMMAND_HELP[command] !== undefined;
    (known ? process.stdout : process.stderr).write(helpFor(command) + '\n');
    return command === undefined && flags['help'] !== true ? 2 : known ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    process.stderr.write(`unknown command: ${command}\n\n${helpFor(undefined)}\n`);
    return 2;
  }
  if (!(await leanRead(command, args, flags))) await run(args, flags);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${isKizunaError(err) ? err.message : err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
