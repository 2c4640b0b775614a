/**
 * Runs electron-builder for real (Linux, `--dir`, current arch) with build/electron-builder.config.cjs,
 * but against a stand-in Electron: machines without internet cannot download Electron, and this still
 * exercises everything of ours — the files list, asar and asarUnpack, the afterPack hook (pruning other
 * platforms' SLIM binaries, flipping every fuse) — and then checks the result.
 *
 *   npm run build:main && npm run build:preload && npm run build:renderer
 *   node --import tsx scripts/packaging-dry-run.ts
 *
 * The stand-in is a file holding Electron's fuse sentinel and a wire of 9 fuses set to Electron's
 * defaults; nothing here can start the app. Native modules are not rebuilt (npmRebuild=false).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './project-root.js';

const root = projectRoot();
const require = createRequire(import.meta.url);
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, asar integrity off,
// only-asar off, browser V8 snapshot off, file:// privileges on, wasm trap handlers on.
const DEFAULT_WIRE = '101100011';

for (const needed of ['dist/main/electron/main.js', 'dist/preload/preload.cjs', 'dist/renderer/index.html']) {
  if (!existsSync(join(root, needed))) throw new Error(`${needed} is missing: run npm run build:main, build:preload and build:renderer first`);
}

const work = mkdtempSync(join(tmpdir(), 'kizuna-dry-dist-'));
const fakeElectron = join(work, 'electron-dist');
mkdirSync(join(fakeElectron, 'resources'), { recursive: true });
mkdirSync(join(fakeElectron, 'locales'));
const binary = Buffer.concat([
  Buffer.from('stand-in for the Electron binary (packaging dry run)\n'),
  Buffer.from(SENTINEL),
  Buffer.from([1, DEFAULT_WIRE.length]),
  Buffer.from(DEFAULT_WIRE, 'latin1'),
  Buffer.alloc(64),
]);
writeFileSync(join(fakeElectron, 'electron'), binary);
chmodSync(join(fakeElectron, 'electron'), 0o755);
const electronVersion = (JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version;
writeFileSync(join(fakeElectron, 'version'), electronVersion);
writeFileSync(join(fakeElectron, 'LICENSE'), '');
writeFileSync(join(fakeElectron, 'LICENSES.chromium.html'), '');

const output = join(work, 'release');
const builder = join(require.resolve('electron-builder/package.json'), '..', 'cli.js');
execFileSync(
  process.execPath,
  [
    builder,
    '--linux',
    'dir',
    `--${process.arch}`,
    '--config',
    'build/electron-builder.config.cjs',
    `-c.electronDist=${fakeElectron}`,
    '-c.npmRebuild=false',
    `-c.directories.output=${output}`,
    '--publish',
    'never',
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } },
);

/** Runs the packaged node entry until it prints its ready line (or fails), then stops it. */
function nodeStarts(entryPath: string): Promise<boolean> {
  const socketDir = mkdtempSync(join(tmpdir(), 'kz-dry-node-'));
  const endpoint = `unix://${join(socketDir, 'slim.sock')}`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entryPath, '--endpoint', endpoint], { cwd: socketDir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '' } });
    let out = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      if (!ok) console.error(out.slice(-2000));
      setTimeout(() => rmSync(socketDir, { recursive: true, force: true }), 200);
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 20_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes(`KIZUNA_SLIM_NODE_READY ${endpoint}`)) done(true);
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', () => done(false));
  });
}

const problems: string[] = [];
const check = (ok: boolean, what: string): void => {
  console.log(`${ok ? '  ok ' : '  FAIL'} ${what}`);
  if (!ok) problems.push(what);
};

const appDir = join(output, 'linux-unpacked');
const packed = readFileSync(join(appDir, 'kizuna'));
const at = packed.indexOf(SENTINEL);
const wire = packed.subarray(at + SENTINEL.length + 2, at + SENTINEL.length + 2 + DEFAULT_WIRE.length).toString('latin1');
check(wire === '010011001', `fuse wire ${wire} (RunAsNode off, cookies encrypted, NODE_OPTIONS off, inspect off, asar integrity on, only asar on, V8 snapshot off, file:// privileges off, wasm trap handlers on)`);

const resources = join(appDir, 'resources');
const asar = require(require.resolve('@electron/asar', { paths: [require.resolve('electron-builder')] })) as { listPackage(path: string): string[] };
const files = asar.listPackage(join(resources, 'app.asar')).map((f) => f.replace(/\\/g, '/'));
const outsideModules = files.filter((f) => !f.startsWith('/node_modules'));
check(outsideModules.every((f) => f === '/package.json' || f === '/dist' || f.startsWith('/dist/')), 'app.asar holds only package.json and dist/ besides node_modules');
check(!files.some((f) => /\.(ts|tsx|map)$/.test(f)), 'no TypeScript sources or source maps in app.asar');
check(files.includes('/dist/main/electron/main.js') && files.includes('/dist/main/host/worker/core-worker-entry.js'), 'the shell and the core worker are packed');
check(files.includes('/dist/preload/preload.cjs') && files.includes('/dist/renderer/index.html'), 'the preload and the renderer are packed');
check(files.some((f) => f.startsWith('/dist/shared/proto/') && f.endsWith('.proto')), 'the .proto files are packed');
check(!files.some((f) => f.startsWith('/node_modules/react/')), 'React stays out of node_modules (it is bundled into the renderer)');

const unpacked = join(resources, 'app.asar.unpacked', 'node_modules');
check(existsSync(join(unpacked, 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node')), 'better_sqlite3.node (multiple-ciphers) is unpacked');
const slim = readdirSync(join(unpacked, '@agntcy')).sort();
const target = `slim-bindings-linux-${process.arch}-gnu`;
check(JSON.stringify(slim) === JSON.stringify(['slim-bindings', target].sort()), `only the target SLIM bindings are kept: ${slim.join(', ')}`);
check(existsSync(join(unpacked, '@agntcy', target, 'libslim_bindings.so')), 'the target SLIM library is unpacked');
check(existsSync(join(resources, 'icons', 'icon.png')), 'the icon is in resources/icons for the tray');

// The embedded node starts from the unpacked folder exactly as the utility process would run it (plain
// Node here: the bindings are N-API, so the ABI does not matter), resolving nothing outside the package.
const entry = join(resources, 'app.asar.unpacked', 'dist', 'main', 'core', 'slim-node', 'slim-node-process.js');
check(existsSync(entry), 'the SLIM node entry is unpacked');
if (existsSync(entry)) check(await nodeStarts(entry), 'the unpacked SLIM node starts and announces its endpoint');

if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s); the packaged tree is in ${appDir}`);
  process.exitCode = 1;
} else {
  rmSync(work, { recursive: true, force: true });
  console.log('\npackaging dry run: all checks passed');
}
