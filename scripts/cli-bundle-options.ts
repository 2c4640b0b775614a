import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { BRIDGE_BUNDLE_FILE, bridgeBuildOptions } from '../main/host/browser/bridge-script.js';

/**
 * What stays in node_modules: native modules (they load .node binaries beside their own files) and
 * build tools a command imports only when running from sources.
 */
const NATIVE_OR_DEV = ['better-sqlite3', 'better-sqlite3-multiple-ciphers', '@agntcy/slim-bindings', 'esbuild', 'vite', 'tsx', 'electron'];

/** Where the built CLI lands (package.json's bin points at its kizuna.js). */
export const CLI_OUT_DIR = join('dist', 'cli');

/**
 * The `kizuna` command (and the headless browser host it runs as `kizuna web`) as plain JavaScript,
 * so a command starts without compiling TypeScript. Every package stays external: native modules
 * (better-sqlite3, @agntcy/slim-bindings) cannot be bundled, and the rest load from node_modules
 * only when a command needs them. Code splitting keeps each command's imports in its own chunk,
 * so `kizuna --help` loads none of ts-mls, grpc-js or the SLIM bindings. The SLIM node's child
 * entry sits beside the chunks, where slim-node-launcher.ts looks for it.
 */
export function cliBuildOptions(root: string): BuildOptions {
  return {
    entryPoints: {
      kizuna: join(root, 'main', 'cli', 'kizuna.ts'),
      'slim-node-process': join(root, 'main', 'core', 'slim-node', 'slim-node-process.ts'),
    },
    outdir: join(root, CLI_OUT_DIR),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: NATIVE_OR_DEV,
    // Bundled CommonJS packages call require(); ESM output has none of its own.
    banner: { js: "import { createRequire as __kizunaRequire } from 'node:module'; const require = __kizunaRequire(import.meta.url);" },
    chunkNames: '[name]-[hash]',
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** The browser bridge `kizuna web` serves, written beside the CLI (bridge-script.ts looks there). */
export function cliBridgeBuildOptions(root: string): BuildOptions {
  return { ...bridgeBuildOptions(join(root, 'main', 'host', 'browser', 'bridge-entry.ts')), outfile: join(root, CLI_OUT_DIR, BRIDGE_BUNDLE_FILE) };
}
