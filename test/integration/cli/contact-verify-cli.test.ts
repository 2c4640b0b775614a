import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/test-engines.js';
import { cliPath } from './cli-process.js';

const exec = promisify(execFile);

/** Runs the built `kizuna` and returns its exit code and what it printed (stdout and stderr). */
async function run(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cliPath(), ...args], { env: { ...process.env, KIZUNA_LOG_LEVEL: 'error' } });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

describe('kizuna contact verify', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('prints the same safety number on both sides and marks verified only on a match', async () => {
    const a = ['--data-dir', join(dir.path, 'a')];
    const b = ['--data-dir', join(dir.path, 'b')];
    const [ann, ben] = await Promise.all([run(['identity', 'create', '--name', 'Ann', ...a]), run(['identity', 'create', '--name', 'Ben', ...b])]);
    const field = (out: string, name: string) => out.match(new RegExp(`${name}:\\s+(\\S+)`))?.[1] ?? '';
    const [annId, benId] = [field(ann.out, 'user id'), field(ben.out, 'user id')];
    await Promise.all([run(['contact', 'add', field(ben.out, 'card'), ...a]), run(['contact', 'add', field(ann.out, 'card'), ...b])]);

    const [atAnn, atBen] = await Promise.all([run(['contacts', 'verify', benId, ...a]), run(['contact', 'verify', annId, ...b])]);
    expect(atAnn.code).toBe(0);
    const groups = (out: string) => (out.match(/\b\d{5}\b/g) ?? []).join(' ');
    expect(groups(atAnn.out).split(' ')).toHaveLength(12);
    expect(groups(atAnn.out)).toBe(groups(atBen.out));
    expect(atAnn.out).toMatch(/Not verified/);

    const wrong = await run(['contact', 'verify', benId, '--match', '1'.repeat(60), ...a]);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/do not match/);
    const right = await run(['contact', 'verify', benId, '--match', groups(atBen.out), ...a]);
    expect(right.code).toBe(0);
    expect(right.out).toMatch(/Verified: the number matched/);
    expect((await run(['contact', 'list', ...a])).out).toMatch(/Ben .* added {2}verified/);
    expect((await run(['contact', '--help'])).out).toMatch(/contact verify ID \[--match NUMBER\]/);
  });
});
