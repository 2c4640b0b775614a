import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * What stays in node_modules: native modules (they load .node binaries beside their own files) and
 * build tools a command imports only when running from sources.
 */
const NATIVE_OR_DEV = ['better-sqlite3', 'better-sqlite3-multiple-ciphers', '@agntcy/slim-bindings', 'esbuild', 'vite', 'tsx', 'electron'];

/**
 * Worker threads the core starts from a file beside the module that starts them
 * (threads/worker-entry-source.ts): in a bundle that module is a chunk in the output folder, so each
 * must be an entry of every bundle, or its worker cannot start there. Without the signature worker
 * the CLI's engines (bots, `kizuna web`) and the processes tests fork verified every received
 * signature on their own thread. The core worker only the Electron shell starts (from tsc's output).
 */
function workerEntries(root: string): Record<string, string> {
  return { 'signature-worker-entry': join(root, 'main', 'core', 'envelopes', 'signature-worker-entry.ts') };
}

/**
 * Node programs of ours as plain JavaScript (the CLI, the processes tests and benchmarks fork), so a
 * process starts without compiling TypeScript. Every package stays external: native modules cannot
 * be bundled, and the rest load from node_modules only when a chunk needs them. Code splitting keeps
 * what only one entry (or one lazily imported command) needs in its own chunk. Each entry's output
 * sits beside the others and the chunks, where siblings are looked for (slim-node-launcher.ts finds
 * slim-node-process.js next to itself; the worker entries above are added to every bundle).
 */
export function nodeBundleOptions(root: string, entryPoints: Record<string, string>, outdir: string): BuildOptions {
  return {
    entryPoints: { ...entryPoints, ...workerEntries(root) },
    outdir,
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
