/**
 * Issue 11's install: the packed CLI (`npm pack`, package.json "files" = dist/cli) installed into an
 * empty folder runs as `kizuna`. npm cannot install the tarball here: the machine is offline and
 * npm's cache has no registry metadata (`npm install --offline <tgz>` ends in ENOTCACHED for
 * @grpc/grpc-js), and better-sqlite3's install step would fetch a prebuilt binary. So the test
 * does what `npm install <tgz>` does for the package itself, by hand: unpacks the tarball into
 * node_modules/kizuna-desktop, makes the node_modules/.bin/kizuna link executable, and gives the
 * package its dependencies by linking the project's installed node_modules beside it. What it
 * proves: the tarball holds everything the CLI needs from this project (no file outside "files"
 * is reached), the bin entry works from another folder, and a profile is created and read.
 * Packing uses --ignore-scripts: the test run's global setup has just built dist/cli, and
 * `prepare` (which npm pack runs: a rebuild that empties dist/cli) must not run under other CLI tests.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/test-engines.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, KIZUNA_LOG_LEVEL: 'error', PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('an installed kizuna (packed with npm pack)', () => {
  const dir = tempDir('kizuna-install-');
  const app = join(dir.path, 'app');
  const bin = join(app, 'node_modules', '.bin', 'kizuna');
  let files: string[] = [];

  beforeAll(async () => {
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir.path], root);
    expect(packed.code, packed.out).toBe(0);
    const info = JSON.parse(packed.out.slice(packed.out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    files = info[0]?.files.map((f) => f.path) ?? [];
    const pkg = join(app, 'node_modules', 'kizuna-desktop');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(app, 'package.json'), '{ "name": "empty", "private": true }\n');
    const untar = await run('tar', ['-xzf', join(dir.path, info[0]?.filename ?? ''), '-C', pkg, '--strip-components=1'], app);
    expect(untar.code, untar.out).toBe(0);
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    mkdirSync(dirname(bin), { recursive: true });
    symlinkSync(join('..', 'kizuna-desktop', 'dist', 'cli', 'kizuna.js'), bin);
    chmodSync(bin, 0o755); // as npm does for a bin target
  });
  afterAll(() => dir.cleanup());

  it('packs the built CLI and nothing of the sources', () => {
    expect(files).toContain('dist/cli/kizuna.js');
    expect(files).toContain('dist/cli/slim-node-process.js');
    expect(files).toContain('package.json');
    expect(files).toContain('shared/proto/kizuna/v1/kizuna.proto'); // read at run time (wire/proto-root.ts)
    expect(files).toContain('scripts/prune-slim-bindings.mjs'); // the postinstall
    expect(files.filter((f) => (/^(main|test|renderer|scripts)\//.test(f) && f !== 'scripts/prune-slim-bindings.mjs') || f.endsWith('.ts'))).toEqual([]);
  });

  it('runs --help, creates an identity and shows it, from the empty folder', async () => {
    const help = await run(bin, ['--help'], app);
    expect(help.code, help.out).toBe(0);
    expect(help.out).toMatch(/identity/);
    const data = ['--data-dir', join(app, 'profile')];
    const created = await run(bin, ['identity', 'create', '--name', 'Ivy', ...data], app);
    expect(created.code, created.out).toBe(0);
    const userId = /user id:\s+(\S+)/.exec(created.out)?.[1];
    expect(userId).toBeDefined();
    const shown = await run(bin, ['identity', 'show', ...data], app);
    expect(shown.code, shown.out).toBe(0);
    expect(shown.out.trim()).toMatch(new RegExp(`^${userId}  Ivy  kizuna/users/`));
  });
});
