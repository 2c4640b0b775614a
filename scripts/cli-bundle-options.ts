import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { BRIDGE_BUNDLE_FILE, bridgeBuildOptions } from '../main/host/browser/bridge-script.js';
import { nodeBundleOptions } from './node-bundle-options.js';

/** Where the built CLI lands (package.json's bin points at its kizuna.js). */
export const CLI_OUT_DIR = join('dist', 'cli');

/**
 * The `kizuna` command (and the headless browser host it runs as `kizuna web`, which `npm run web`
 * starts) as plain JavaScript (node-bundle-options.ts). Code splitting keeps each command's imports
 * in its own chunk, so `kizuna --help` loads none of ts-mls, grpc-js or the SLIM bindings. The SLIM
 * node's child entry sits beside the chunks, where slim-node-launcher.ts looks for it.
 */
export function cliBuildOptions(root: string): BuildOptions {
  return nodeBundleOptions(
    root,
    {
      kizuna: join(root, 'main', 'cli', 'kizuna.ts'),
      'slim-node-process': join(root, 'main', 'core', 'slim-node', 'slim-node-process.ts'),
    },
    join(root, CLI_OUT_DIR),
  );
}

/** The browser bridge `kizuna web` serves, written beside the CLI (bridge-script.ts looks there). */
export function cliBridgeBuildOptions(root: string): BuildOptions {
  return { ...bridgeBuildOptions(join(root, 'main', 'host', 'browser', 'bridge-entry.ts')), outfile: join(root, CLI_OUT_DIR, BRIDGE_BUNDLE_FILE) };
}
