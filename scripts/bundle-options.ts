import { join } from 'node:path';
import { BRIDGE_BUNDLE_FILE, bridgeBuildOptions } from '../main/host/browser/bridge-script.js';

/**
 * What scripts/build-bundles.ts bundles, and how (test/unit/build/bundles.test.ts builds the same).
 * Sandboxed preloads may require('electron') and nothing else, so everything else is inlined.
 */
export function preloadBuildOptions(entryPoint: string, outfile: string) {
  return {
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    format: 'cjs' as const,
    platform: 'browser' as const,
    target: 'chrome130',
    external: ['electron'],
    minify: false,
    sourcemap: false,
    legalComments: 'none' as const,
    logLevel: 'warning' as const,
  };
}

export function bundleJobs(root: string) {
  return [
    preloadBuildOptions(join(root, 'preload', 'preload.ts'), join(root, 'dist', 'preload', 'preload.cjs')),
    preloadBuildOptions(join(root, 'preload', 'passphrase-preload.ts'), join(root, 'dist', 'preload', 'passphrase-preload.cjs')),
    { ...bridgeBuildOptions(join(root, 'main', 'host', 'browser', 'bridge-entry.ts')), outfile: join(root, 'dist', 'bridge', BRIDGE_BUNDLE_FILE) },
  ];
}
