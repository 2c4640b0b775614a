import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { nodeBundleOptions } from './node-bundle-options.js';

/** Where the processes tests and benchmarks fork are built (beside dist/cli; not shipped). */
export const TEST_PROCESS_OUT_DIR = join('dist', 'test-processes');

/** The built file of one test process (`name` is an entry below), for fork(). */
export function testProcessFile(root: string, name: 'core-process-entry' | 'paced-publisher'): string {
  return join(root, TEST_PROCESS_OUT_DIR, `${name}.js`);
}

/**
 * The child processes of tests and benchmarks as plain JavaScript (node-bundle-options.ts): a core
 * in its own process (test/helpers/core-process.ts) and the benchmarks' paced publisher. Forked
 * under tsx each start cost 1.5–2 s of TypeScript compiling (a test starts several); bundled, the
 * start is Node loading JavaScript, and a benchmark's memory per member is the engine's, not
 * tsx's. The SLIM node's child entry sits beside them, where slim-node-launcher.ts looks for it.
 */
export function testProcessBuildOptions(root: string): BuildOptions {
  return nodeBundleOptions(
    root,
    {
      'core-process-entry': join(root, 'test', 'helpers', 'core-process-entry.ts'),
      'paced-publisher': join(root, 'bench', 'lib', 'paced-publisher.ts'),
      'slim-node-process': join(root, 'main', 'core', 'slim-node', 'slim-node-process.ts'),
    },
    join(root, TEST_PROCESS_OUT_DIR),
  );
}
