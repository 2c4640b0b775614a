import { openProfileReader, type ProfileReader } from '../../core/engine/profile-reader.js';
import { setLogLevel } from '../../core/log/logger.js';
import { readOnlyProfileKeyWrapper } from '../../host/read-only-profile-key.js';
import type { CliConfig } from '../cli-config.js';
import { printGroup, printLine, printPerson } from '../cli-output.js';
import { requireExistingProfile } from '../require-profile.js';

/**
 * The read-only commands on the lean path (issue 13's fast start): they open the profile with
 * engine/profile-reader.ts instead of the SDK, so neither the engine nor ts-mls, grpc-js, the SLIM
 * bindings or libsodium is loaded (test/unit/build/cli-read-path.test.ts keeps it so). The output
 * is the same lines the full commands print (group-commands.ts, identity-commands.ts).
 */
const READS: Record<string, Record<string, (reader: ProfileReader) => void>> = {
  group: {
    list: (r) => r.listGroups().forEach(printGroup),
    // `group invitations` takes the full path: an invitation's view is read from its stored,
    // signed proposal, which is checked again on every read (libsodium).
  },
  contact: {
    list: (r) => r.listContacts().forEach(printPerson),
    blocked: (r) => r.listBlocked().forEach(printPerson),
  },
  identity: {
    show: (r) => printLine(`${r.identity.userId}  ${r.identity.displayName}  ${r.identity.slimName}`),
  },
};

/** What `kizuna group`, `kizuna contact` and `kizuna identity` do without a subcommand. */
const DEFAULT_SUB: Record<string, string> = { group: 'list', contact: 'list', identity: 'show' };

/**
 * Runs `command sub` on the lean path. False when the profile would not open this way (another key
 * layout, a wrong key, a profile in use…): the caller then runs the full command, whose open says
 * exactly what is wrong. Nothing is printed before the profile opened.
 */
export async function readCommand(config: CliConfig, command: string, sub: string | undefined): Promise<boolean> {
  const read = READS[command]?.[sub ?? DEFAULT_SUB[command] ?? ''];
  if (read === undefined) return false;
  setLogLevel(config.logLevel);
  requireExistingProfile(config.dataDir);
  let reader: ProfileReader;
  try {
    const keyWrapper = await readOnlyProfileKeyWrapper({
      dataDir: config.dataDir,
      ...(config.passphrase === undefined ? {} : { passphrase: config.passphrase }),
      ...(config.keyFile === undefined ? {} : { keyFile: config.keyFile }),
    });
    reader = await openProfileReader({ dataDir: config.dataDir, keyWrapper });
  } catch {
    return false;
  }
  try {
    read(reader);
  } finally {
    reader.close();
  }
  return true;
}
