/**
 * `npm run build:test-processes`: bundles the processes tests and benchmarks fork into
 * dist/test-processes (test-process-bundle-options.ts). Vitest's global setup
 * (test/helpers/test-process-global-setup.ts) and the benchmarks that fork them build the same
 * before they start, so running this by hand is only needed to fork them outside those.
 */
import { build } from 'esbuild';
import { projectRoot } from './project-root.js';
import { TEST_PROCESS_OUT_DIR, testProcessBuildOptions } from './test-process-bundle-options.js';

await build(testProcessBuildOptions(projectRoot()));
console.log(`build:test-processes → ${TEST_PROCESS_OUT_DIR}`);
