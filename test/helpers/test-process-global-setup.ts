import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { testProcessBuildOptions } from '../../scripts/test-process-bundle-options.js';

/**
 * Bundles the processes tests fork (a core per process, core-process.ts) once per test run from the
 * current sources, so each fork starts from JavaScript instead of compiling TypeScript under tsx.
 */
export async function setup(): Promise<void> {
  await build(testProcessBuildOptions(fileURLToPath(new URL('../../', import.meta.url))));
}
