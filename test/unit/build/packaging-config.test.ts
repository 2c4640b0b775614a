/**
 * The electron-builder configuration is complete and says what we mean, checked without Electron:
 * targets per OS, every fuse with its value, asar and what is unpacked, what goes in the package,
 * only the target's SLIM binary, the kizuna:// protocol.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  extraResources: { from: string; to: string }[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  buildDependenciesFromSource: boolean;
  afterPack: string;
  electronFuses?: unknown;
  protocols: { name: string; schemes: string[] }[];
  linux: { target: string[]; mimeTypes: string[]; desktop: { entry: Record<string, string> }; icon: string; category: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
}
interface AfterPackModule {
  afterPack: (context: unknown) => Promise<void>;
  FUSES: Record<string, boolean>;
  fuseConfig: (options: Record<string, unknown>, version: Record<string, string>, platform: string) => Record<string, unknown>;
  packagesToPrune: (names: string[], prefix: string, platform: string, arch: string) => string[];
}

const config = require(join(root, 'build/electron-builder.config.cjs')) as BuilderConfig;
const hook = require(join(root, 'build/after-pack.cjs')) as AfterPackModule;
// electron-builder's own glob library and options, so patterns are read as it reads them.
const { Minimatch } = require(require.resolve('minimatch', { paths: [require.resolve('app-builder-lib')] })) as typeof import('minimatch');
const match = (pattern: string, path: string): boolean => new Minimatch(pattern, { dot: true }).match(path);

/** electron-builder's ordered include/exclude evaluation of a `files` list (later patterns win). */
function included(patterns: readonly string[], path: string): boolean {
  let result = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    if (result !== negate) continue;
    const hit = match(negate ? raw.slice(1) : raw, path);
    if (hit) result = !negate;
  }
  return result;
}

/** node_modules are filtered by the exclusions of `files` only (electron-builder's getNodeModuleFileMatcher). */
function nodeModuleIncluded(patterns: readonly string[], path: string): boolean {
  return included(['**/*', ...patterns.filter((p) => p.startsWith('!'))], path);
}

describe('packaging configuration (electron-builder)', () => {
  it('is a valid electron-builder configuration', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (c: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app and builds AppImage + deb, dmg and NSIS', () => {
    expect(config.appId).toBe('org.kizuna.desktop');
    expect(config.productName).toBe('Kizuna');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('dist/main/electron/main.js');
    expect(pkg.scripts['dist']).toContain('electron-builder --config build/electron-builder.config.cjs');
  });

  it('registers the kizuna:// protocol (and the Linux desktop entry for it)', () => {
    expect(config.protocols.flatMap((p) => p.schemes)).toEqual(['kizuna']);
    expect(config.linux.mimeTypes).toContain('x-scheme-handler/kizuna');
    expect(config.linux.desktop.entry['MimeType']).toContain('x-scheme-handler/kizuna');
    expect(config.linux.desktop.entry['Categories']).toContain('InstantMessaging');
  });

  it('has a 512×512 PNG icon for every platform and ships it for the tray', () => {
    const png = readFileSync(join(root, 'build/icons/icon.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    for (const p of [config.linux, config.mac, config.win]) expect(p.icon).toBe('build/icons/icon.png');
    expect(config.extraResources).toContainEqual({ from: 'build/icons/icon.png', to: 'icons/icon.png' });
  });

  it('states every Electron fuse with its intended value, strictly', async () => {
    expect(hook.FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
      WasmTrapHandlers: true,
    });
    const { FuseV1Options, FuseVersion } = (await import('@electron/fuses')) as unknown as {
      FuseV1Options: Record<string, unknown>;
      FuseVersion: Record<string, string>;
    };
    const known = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k)));
    expect(known.sort()).toEqual(Object.keys(hook.FUSES).sort());
    const flip = hook.fuseConfig(FuseV1Options, FuseVersion, 'linux');
    expect(flip['strictlyRequireAllFuses']).toBe(true);
    for (const [name, value] of Object.entries(hook.FUSES)) expect(flip[String(FuseV1Options[name])], name).toBe(value);
    // One place flips the fuses: the afterPack hook, not electron-builder's partial `electronFuses`.
    expect(config.electronFuses).toBeUndefined();
    expect(config.afterPack).toBe('./build/after-pack.cjs');
    expect(typeof hook.afterPack).toBe('function');
  });

  it('packs into asar and unpacks every native module the app loads', () => {
    expect(config.asar).toBe(true);
    const natives: string[] = [];
    const walk = (dir: string, rel: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = `${rel}/${entry.name}`;
        if (entry.isDirectory()) walk(join(dir, entry.name), p);
        else if (/\.(node|so|dylib|dll)$/.test(entry.name)) natives.push(p);
      }
    };
    for (const pkg of ['better-sqlite3-multiple-ciphers/build/Release', '@agntcy', '@ubjs']) walk(join(root, 'node_modules', pkg), `node_modules/${pkg}`);
    expect(natives.some((p) => p.endsWith('better_sqlite3.node'))).toBe(true);
    expect(natives.some((p) => /libslim_bindings\.so$|slim_bindings\.dll$|libslim_bindings\.dylib$/.test(p))).toBe(true);
    for (const p of natives) {
      if (!nodeModuleIncluded(config.files, p)) continue; // build leftovers that are not packaged at all
      expect(config.asarUnpack.some((pattern) => match(pattern, p)), p).toBe(true);
    }
    // The SLIM bindings find their library next to their own JS, so the whole packages are unpacked.
    expect(config.asarUnpack.some((pattern) => match(pattern, 'node_modules/@agntcy/slim-bindings-linux-x64-gnu/slim_bindings-ffi.js'))).toBe(true);
  });

  it('unpacks the embedded SLIM node entry and everything it loads (it runs as a utility process outside the archive)', () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s(?![^'"]*\btype\s)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|const specifier: string = '([^']+)'/g)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? '';
        if (spec.startsWith('node:')) continue;
        if (spec.startsWith('.')) visit(join(file, '..', spec).replace(/\.js$/, '.ts'));
        else bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
      }
    };
    visit('main/core/slim-node/slim-node-process.ts');
    const unpacked = (path: string): boolean => config.asarUnpack.some((pattern) => match(pattern, path));
    for (const file of seen) expect(unpacked(`dist/${file.replace(/\.ts$/, '.js')}`), file).toBe(true);
    expect([...bare].sort()).toContain('@agntcy/slim-bindings');
    for (const pkg of [...bare, '@ubjs/node', '@ubjs/core']) expect(unpacked(`node_modules/${pkg}/package.json`), pkg).toBe(true);
    expect(unpacked('package.json')).toBe(true); // "type": "module" for the unpacked .js files
  });

  it('packages built output only: no sources, tests, maps or renderer sources', () => {
    for (const path of ['package.json', 'dist/main/electron/main.js', 'dist/main/host/worker/core-worker-entry.js', 'dist/shared/ipc/ipc-contract.js', 'dist/shared/proto/kizuna/v1/kizuna.proto', 'dist/preload/preload.cjs', 'dist/preload/passphrase-preload.cjs', 'dist/renderer/index.html', 'dist/renderer/assets/index-abc.js']) {
      expect(included(config.files, path), path).toBe(true);
    }
    for (const path of ['main/electron/main.ts', 'main/core/engine/engine.ts', 'shared/ipc/ipc-contract.ts', 'preload/preload.ts', 'renderer/main.tsx', 'test/unit/build/packaging-config.test.ts', 'bench/run-all.ts', 'docs/security.md', 'scripts/build-main.ts', 'dist/main/electron/main.js.map', 'dist/renderer/assets/index-abc.js.map', 'dist/bridge/kizuna-bridge.js', 'tsconfig.json', 'vite.config.ts', 'build/after-pack.cjs', '.tmp/x.png']) {
      expect(included(config.files, path), path).toBe(false);
    }
    expect(nodeModuleIncluded(config.files, 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node')).toBe(true);
    expect(nodeModuleIncluded(config.files, 'node_modules/better-sqlite3-multiple-ciphers/lib/index.js')).toBe(true);
    expect(nodeModuleIncluded(config.files, 'node_modules/zod/index.js')).toBe(true);
    for (const path of ['node_modules/better-sqlite3-multiple-ciphers/deps/sqlite3/sqlite3.c', 'node_modules/better-sqlite3-multiple-ciphers/build/Release/obj/gen/sqlite3/sqlite3.c', 'node_modules/react/index.js', 'node_modules/@types/node/index.d.ts', 'node_modules/zod/index.d.ts', 'node_modules/@grpc/grpc-js/build/src/call.js.map']) {
      expect(nodeModuleIncluded(config.files, path), path).toBe(false);
    }
  });

  it('keeps only the target platform SLIM binary (and UniFFI runtime)', () => {
    const installed = readdirSync(join(root, 'node_modules', '@agntcy'));
    const all = [...new Set([...installed, 'slim-bindings', ...['darwin-arm64', 'darwin-x64', 'linux-arm64-gnu', 'linux-x64-gnu', 'linux-x64-musl', 'win32-arm64-msvc', 'win32-x64-msvc', 'win32-x64-gnu'].map((s) => `slim-bindings-${s}`)])];
    const kept = (platform: string, arch: string): string[] => {
      const pruned = new Set(hook.packagesToPrune(all, 'slim-bindings-', platform, arch));
      return all.filter((n) => n.startsWith('slim-bindings-') && !pruned.has(n));
    };
    expect(kept('linux', 'x64')).toEqual(['slim-bindings-linux-x64-gnu']);
    expect(kept('linux', 'arm64')).toEqual(['slim-bindings-linux-arm64-gnu']);
    expect(kept('darwin', 'arm64')).toEqual(['slim-bindings-darwin-arm64']);
    expect(kept('darwin', 'universal').sort()).toEqual(['slim-bindings-darwin-arm64', 'slim-bindings-darwin-x64']);
    expect(kept('win32', 'x64')).toEqual(['slim-bindings-win32-x64-msvc']);
    // The platform-independent loader is never pruned.
    expect(hook.packagesToPrune(all, 'slim-bindings-', 'linux', 'x64')).not.toContain('slim-bindings');
    expect(hook.packagesToPrune(['node', 'core', 'node-linux-x64-gnu', 'node-darwin-arm64'], 'node-', 'linux', 'x64')).toEqual(['node-darwin-arm64']);
  });

  it('rebuilds better-sqlite3-multiple-ciphers for Electron from source when packaging', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(true);
  });
});
