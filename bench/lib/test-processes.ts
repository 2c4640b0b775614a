import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { testProcessBuildOptions, testProcessFile } from '../../scripts/test-process-bundle-options.js';

/**
 * Bundles the processes a benchmark forks (core processes, the paced publisher) from the current
 * sources, as vitest's global setup does for tests, so what a benchmark measures in them (start,
 * memory per member) is our code, not tsx compiling it. Returns the paced publisher's file.
 */
export async function buildTestProcesses(): Promise<{ pacedPublisher: string }> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  await build(testProcessBuildOptions(root));
  return { pacedPublisher: testProcessFile(root, 'paced-publisher') };
}
