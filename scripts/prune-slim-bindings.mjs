// postinstall: keeps only this machine's SLIM binary. @agntcy/slim-bindings lists one optional
// package per platform (nine), and none declares os/cpu/libc, so npm installs them all (~280 MB, of
// which ~45 MB is used). This removes the other platforms' @agntcy/slim-bindings-* folders, keeping
// the one the bindings themselves load (their binding.js: darwin-<arch>, linux-<arch>-<gnu|musl>,
// win32-<arm64|x64>-msvc). Nothing is removed when that one is missing (something else is off then).
// Building the desktop app for another platform needs its binary: install with
// KIZUNA_KEEP_ALL_SLIM_BINDINGS=1 (electron-builder's afterPack keeps only the target's; see
// build/after-pack.cjs). Usage: node scripts/prune-slim-bindings.mjs [node_modules folder].
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PREFIX = 'slim-bindings-';

/** The package suffix @agntcy/slim-bindings loads on this platform (mirrors its binding.js). */
export function hostSlimSuffix({ platform, arch, libc }) {
  if (platform === 'darwin') return arch === 'arm64' ? 'darwin-arm64' : 'darwin-x64';
  if (platform === 'linux' && (arch === 'arm64' || arch === 'x64')) return `linux-${arch}-${libc === 'musl' ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return arch === 'arm64' ? 'win32-arm64-msvc' : 'win32-x64-msvc';
  return undefined;
}

/** Which folders of node_modules/@agntcy to delete: every other platform's, none when the host's is absent. */
export function slimFoldersToPrune(names, host) {
  const suffix = hostSlimSuffix(host);
  const keep = suffix === undefined ? undefined : `${PREFIX}${suffix}`;
  if (keep === undefined || !names.includes(keep)) return [];
  return names.filter((name) => name.startsWith(PREFIX) && name !== keep);
}

/** This process's platform, with the C library Node was built against (glibc reports a version; musl none). */
export function currentHost() {
  const libc = process.platform === 'linux' && process.report?.getReport().header.glibcVersionRuntime === undefined ? 'musl' : 'gnu';
  return { platform: process.platform, arch: process.arch, libc };
}

/** The node_modules holding @agntcy/slim-bindings, looked for as Node resolves packages: from `start` upwards. */
function findNodeModules(start) {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', '@agntcy', 'slim-bindings'))) return join(dir, 'node_modules');
    if (dirname(dir) === dir) return undefined;
  }
}

export function pruneSlimBindings(nodeModules, host = currentHost()) {
  const scope = join(nodeModules, '@agntcy');
  if (!existsSync(scope)) return [];
  const prune = slimFoldersToPrune(readdirSync(scope), host);
  for (const name of prune) rmSync(join(scope, name), { recursive: true, force: true });
  return prune;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.env['KIZUNA_KEEP_ALL_SLIM_BINDINGS'] === '1') process.exit(0);
  const nodeModules = process.argv[2] ?? findNodeModules(join(dirname(fileURLToPath(import.meta.url)), '..'));
  if (nodeModules !== undefined) {
    const removed = pruneSlimBindings(nodeModules);
    if (removed.length > 0) console.log(`kizuna: kept only this platform's SLIM binary (removed ${removed.map((n) => `@agntcy/${n}`).join(', ')})`);
  }
}
