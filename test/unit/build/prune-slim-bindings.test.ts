/**
 * Issue 11's install size: scripts/prune-slim-bindings.mjs (postinstall) keeps exactly the SLIM
 * binary @agntcy/slim-bindings loads on this host. The selection is checked over made-up
 * platforms; the real prune runs only on a temporary folder of empty stand-ins, never on the
 * project's (shared) node_modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/test-engines.js';

interface Host {
  platform: string;
  arch: string;
  libc?: string;
}
interface PruneModule {
  hostSlimSuffix(host: Host): string | undefined;
  slimFoldersToPrune(names: string[], host: Host): string[];
  currentHost(): Host;
}

const SCRIPT = fileURLToPath(new URL('../../../scripts/prune-slim-bindings.mjs', import.meta.url));
/** The folders `npm ci` leaves in node_modules/@agntcy today (the bindings' nine optional packages, and the bindings). */
const INSTALLED = [
  'slim-bindings',
  ...['darwin-arm64', 'darwin-x64', 'linux-arm64-gnu', 'linux-arm64-musl', 'linux-x64-gnu', 'linux-x64-musl', 'win32-arm64-msvc', 'win32-x64-gnu', 'win32-x64-msvc'].map((s) => `slim-bindings-${s}`),
];

let prune: PruneModule;
const kept = (host: Host): string[] => INSTALLED.filter((n) => !prune.slimFoldersToPrune(INSTALLED, host).includes(n));

describe('keeping only the host platform’s SLIM binary', () => {
  const dir = tempDir('kizuna-prune-');
  beforeAll(async () => {
    prune = (await import(pathToFileURL(SCRIPT).href)) as PruneModule;
  });
  afterAll(() => dir.cleanup());

  it('keeps exactly the package the bindings load, per platform, arch and C library', () => {
    expect(kept({ platform: 'linux', arch: 'x64', libc: 'gnu' })).toEqual(['slim-bindings', 'slim-bindings-linux-x64-gnu']);
    expect(kept({ platform: 'linux', arch: 'x64', libc: 'musl' })).toEqual(['slim-bindings', 'slim-bindings-linux-x64-musl']);
    expect(kept({ platform: 'linux', arch: 'arm64', libc: 'gnu' })).toEqual(['slim-bindings', 'slim-bindings-linux-arm64-gnu']);
    expect(kept({ platform: 'linux', arch: 'arm64', libc: 'musl' })).toEqual(['slim-bindings', 'slim-bindings-linux-arm64-musl']);
    expect(kept({ platform: 'darwin', arch: 'arm64' })).toEqual(['slim-bindings', 'slim-bindings-darwin-arm64']);
    expect(kept({ platform: 'darwin', arch: 'x64' })).toEqual(['slim-bindings', 'slim-bindings-darwin-x64']);
    expect(kept({ platform: 'win32', arch: 'x64' })).toEqual(['slim-bindings', 'slim-bindings-win32-x64-msvc']);
    expect(kept({ platform: 'win32', arch: 'arm64' })).toEqual(['slim-bindings', 'slim-bindings-win32-arm64-msvc']);
  });

  it('removes nothing on a platform the bindings do not know, or when the host’s package is missing', () => {
    expect(kept({ platform: 'freebsd', arch: 'x64' })).toEqual(INSTALLED);
    expect(kept({ platform: 'linux', arch: 'ia32', libc: 'gnu' })).toEqual(INSTALLED);
    expect(prune.slimFoldersToPrune(INSTALLED.filter((n) => n !== 'slim-bindings-linux-x64-gnu'), { platform: 'linux', arch: 'x64', libc: 'gnu' })).toEqual([]);
  });

  it('the postinstall script, run on a stand-in node_modules, leaves the bindings and this host’s binary', () => {
    const scope = join(dir.path, 'node_modules', '@agntcy');
    for (const name of INSTALLED) mkdirSync(join(scope, name, 'dist'), { recursive: true });
    const run = spawnSync(process.execPath, [SCRIPT, join(dir.path, 'node_modules')], { encoding: 'utf8', env: { ...process.env, KIZUNA_KEEP_ALL_SLIM_BINDINGS: '' } });
    expect(run.status, run.stderr).toBe(0);
    const host = prune.currentHost();
    expect(readdirSync(scope).sort()).toEqual(['slim-bindings', `slim-bindings-${prune.hostSlimSuffix(host) ?? ''}`]);
    expect(run.stdout).toMatch(/kept only this platform's SLIM binary/);
  });
});
