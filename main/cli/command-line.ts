import { parseArgs } from 'node:util';
import { COMMAND_FLAGS, type Flags } from './cli-flags.js';

/**
 * Ids on the command line that begin with a dash.
 *
 * User, group and message ids are 32 bytes in base64url: 43 characters, and one in 64 begins with
 * `-`. parseArgs reads such an argument as an option ("argument is ambiguous" after `--members`, an
 * unknown option as a positional), so `kizuna group remove GROUP -Xb…` could not be typed at all. An
 * argument that is an id, or a comma list starting with one, cannot be an option (no option is 43
 * characters of base64url), so it is set aside under a name without a dash for the parse and put back
 * after it.
 */

const DASH_ID = /^-[A-Za-z0-9_-]{42}(?:,.*)?$/s;
/** NUL cannot appear in a command-line argument, so a stand-in never collides with a real one. */
const STAND_IN = /^\0dash-id:(\d+)$/;

export interface ShieldedArgs {
  /** The arguments with every dash-led id replaced by a stand-in. */
  readonly args: string[];
  /** The original argument for a stand-in; anything else unchanged. */
  restore(value: string): string;
}

export function shieldDashIds(argv: readonly string[]): ShieldedArgs {
  const kept: string[] = [];
  const args = argv.map((a) => {
    if (!DASH_ID.test(a)) return a;
    kept.push(a);
    return `\0dash-id:${kept.length - 1}`;
  });
  return {
    args,
    restore: (value) => {
      const m = STAND_IN.exec(value);
      return m === null ? value : (kept[Number(m[1])] ?? value);
    },
  };
}

export interface CommandLine {
  readonly positionals: string[];
  readonly flags: Flags;
}

/** The command line parsed against every command's flags (strict: an unknown option throws parseArgs' error). */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const shielded = shieldDashIds(argv);
  const parsed = parseArgs({ args: shielded.args, options: COMMAND_FLAGS, allowPositionals: true, strict: true });
  const flags: Flags = {};
  for (const [k, v] of Object.entries(parsed.values)) flags[k] = typeof v === 'string' ? shielded.restore(v) : v;
  return { positionals: parsed.positionals.map(shielded.restore), flags };
}
