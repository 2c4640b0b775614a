import { build } from 'esbuild';
import { cliBridgeBuildOptions, cliBuildOptions } from '../../../scripts/cli-bundle-options.js';
import { fileURLToPath } from 'node:url';

/** Bundles the CLI once per test run from the current sources (esbuild: well under a second). */
export async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  await Promise.all([build(cliBuildOptions(root)), build(cliBridgeBuildOptions(root))]);
}
