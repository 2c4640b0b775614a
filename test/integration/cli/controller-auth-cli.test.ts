/**
 * The CLI side of controller authentication: `kizuna controller` refuses a non-loopback host without an
 * auth file (before it opens anything), and `kizuna node --controller-auth FILE` refuses a weak token file.
 * Both fail fast, so nothing is left running.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/test-engines.js';
import { cliPath } from './cli-process.js';

const dir = tempDir('kizuna-controller-auth-cli-');
afterAll(() => dir.cleanup());

function kizuna(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath(), ...args], { env: { ...process.env, KIZUNA_LOG_LEVEL: 'error' }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

describe('kizuna controller / node authentication flags', () => {
  it('refuses a controller on a non-loopback host without an auth file', async () => {
    const r = await kizuna(['controller', '--host', '0.0.0.0', '--port', '0', '--data-dir', join(dir.path, 'ctl'), '--node', '127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/without authentication/);
  });

  it('refuses a node whose controller auth file holds a weak token', async () => {
    const file = join(dir.path, 'node-token');
    writeFileSync(file, 'password\n', { mode: 0o600 });
    const r = await kizuna(['node', '--endpoint', '127.0.0.1:1', '--controller', '127.0.0.1:2', '--controller-auth', file]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/controller auth file .* is not valid/);
  });
});
