import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../main/cli/command-line.js';

/** A 32-byte id in base64url that begins with a dash (one id in 64 does). */
function dashId(): string {
  for (;;) {
    const id = randomBytes(32).toString('base64url');
    if (id.startsWith('-')) return id;
  }
}

describe('the command line with ids that begin with a dash', () => {
  it('takes them as positionals and as option values, and gives them back unchanged', () => {
    const [group, who, other] = [dashId(), dashId(), randomBytes(32).toString('base64url')];
    const removed = parseCommandLine(['group', 'remove', group, who, '--data-dir', '/tmp/p']);
    expect(removed.positionals).toEqual(['group', 'remove', group, who]);
    expect(removed.flags['data-dir']).toBe('/tmp/p');

    const created = parseCommandLine(['group', 'create', '--name', 'Race', '--members', `${who},${other}`, '--mode', 'sealed']);
    expect(created.flags['members']).toBe(`${who},${other}`);
    expect(created.flags['mode']).toBe('sealed');
    expect(created.positionals).toEqual(['group', 'create']);
  });

  it('still reads real options and refuses unknown ones', () => {
    expect(parseCommandLine(['group', '-h']).flags['help']).toBe(true);
    expect(() => parseCommandLine(['group', 'list', '--nope'])).toThrow(/Unknown option/);
    // Not an id (too short): still an option, refused.
    expect(() => parseCommandLine(['group', 'remove', 'G', '-abc'])).toThrow();
    // A value that is not an id still needs `--members=...` when it begins with a dash.
    expect(() => parseCommandLine(['group', 'create', '--members', '-x'])).toThrow(/ambiguous/);
  });
});
