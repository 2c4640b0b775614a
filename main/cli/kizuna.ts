#!/usr/bin/env node
/**
 * `kizuna`: the headless Kizuna (bots, operators, tests). Commands:
 *   identity create|show|card, contact add|list|blocked|remove|block|unblock,
 *   group list|invitations|create|invite|remove|rename|accept|decline|leave|delete|send|history,
 *   moderator, participant, listen, node, controller, web.
 * Global flags: --data-dir, --node, --key-file, --log-level (or KIZUNA_DATA_DIR, KIZUNA_NODE,
 * KIZUNA_KEY_FILE, KIZUNA_PASSPHRASE, KIZUNA_LOG_LEVEL).
 */
import { parseArgs } from 'node:util';
import { isKizunaError } from '../../shared/errors/kizuna-error.js';
import { GLOBAL_FLAGS, resolveConfig } from './cli-config.js';
import { listenCommand, moderatorCommand, participantCommand } from './commands/chat-commands.js';
import { groupCommand } from './commands/group-commands.js';
import { contactCommand, identityCommand } from './commands/identity-commands.js';
import { controllerCommand } from './commands/controller-command.js';
import { nodeCommand } from './commands/node-command.js';
import { webMain } from '../host/browser/web-main.js';

const USAGE = `usage: kizuna <command> [options]

  identity create --name NAME [--slim-name org/ns/agent] | show | card
  contact add CARD | list | blocked | remove ID | block ID|CARD | unblock ID
  group list | invitations | create --name N --members a,b [--mode mls|sealed|none] | create --direct --members a [--mode …]
        invite GROUP WHO | remove GROUP WHO | rename GROUP NAME | accept GROUP | decline GROUP
        leave GROUP | delete GROUP | send GROUP TEXT | history GROUP [--limit N]
  moderator --local org/ns/me --invites org/ns/bob,org/ns/carol [--enable-mls] [--message TEXT]
  participant --local org/ns/me [--message TEXT]
        with --shared-secret S: SLIM's own session protocol, with apps of the official SLIM bindings
        (one invitee is enough; --protocol kizuna keeps Kizuna groups with shared-secret tokens)
  listen [--accept]
  node [--endpoint 127.0.0.1:46357|unix:///path] [--auth user:pass] [--controller HOST:PORT --node-id ID] [--archive GROUP...]
       [--controller-auth FILE]   token (and TLS CA) for an authenticated controller: {"token":"…","caFile":"ca.pem"} or the bare token
  controller [--host localhost] [--port 50051] [--auth FILE]
       --auth FILE: {"principals":[{"identity","role":"operator"|"node","token"|"subject"}],"tls":{"certFile","keyFile"},
                     "jwt":{"keysFile","issuer","audience"}} (subject: a JWT's sub, e.g. a SPIFFE id);
       every call then needs "authorization: Bearer TOKEN"; a host other than loopback requires it, with TLS
  web [--data-dir DIR] [--port N] [--node ENDPOINT]      (the UI in a browser, on 127.0.0.1)

  global: --data-dir DIR  --node ENDPOINT  --key-file FILE  --log-level LEVEL
          --accept-unverified (or KIZUNA_ACCEPT_UNVERIFIED=1): invite by SLIM name even when no identity
          token or accepted contact card verifies who answered (default: refused, DISCOVERY_UNVERIFIED)
  identity tokens (seed 000): --jwt-path --jwks-path --jwt-issuer --jwt-subject --jwt-audience
                              --shared-secret --shared-secret-id --token-key-binding --token-clock-skew`;

const FLAGS = {
  ...GLOBAL_FLAGS,
  name: { type: 'string' },
  'slim-name': { type: 'string' },
  local: { type: 'string' },
  members: { type: 'string' },
  mode: { type: 'string' },
  invites: { type: 'string' },
  channel: { type: 'string' },
  'enable-mls': { type: 'boolean' },
  protocol: { type: 'string' },
  message: { type: 'string' },
  'stop-after': { type: 'string' },
  'max-retries': { type: 'string' },
  timeout: { type: 'string' },
  limit: { type: 'string' },
  accept: { type: 'boolean' },
  direct: { type: 'boolean' },
  endpoint: { type: 'string' },
  auth: { type: 'string' },
  archive: { type: 'boolean' },
  controller: { type: 'string' },
  'node-id': { type: 'string' },
  'controller-auth': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
} as const;

async function main(argv: string[]): Promise<number> {
  // `kizuna web` takes the browser host's own flags.
  if (argv[0] === 'web') {
    await webMain(argv.slice(1));
    if (typeof process.exitCode === 'number' && process.exitCode !== 0) return process.exitCode;
    return await new Promise<number>(() => undefined); // serves until a signal stops it
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [command, ...args] = parsed.positionals;
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  if (command === undefined || flags['help'] === true) {
    process.stdout.write(USAGE + '\n');
    return command === undefined && flags['help'] !== true ? 2 : 0;
  }
  const config = resolveConfig(flags);
  switch (command) {
    case 'identity':
      await identityCommand(config, args, flags);
      break;
    case 'contact':
      await contactCommand(config, args);
      break;
    case 'group':
      await groupCommand(config, args, flags);
      break;
    case 'moderator':
      await moderatorCommand(config, flags);
      break;
    case 'participant':
      await participantCommand(config, flags);
      break;
    case 'listen':
      await listenCommand(config, flags);
      break;
    case 'node':
      await nodeCommand(config, args, flags);
      break;
    case 'controller':
      await controllerCommand(config, flags);
      break;
    default:
      process.stderr.write(`unknown command: ${command}\n${USAGE}\n`);
      return 2;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${isKizunaError(err) ? err.message : err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
