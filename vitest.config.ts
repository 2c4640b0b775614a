import { defineConfig } from 'vitest/config';

// Tests talk to real SQLite files, a real SLIM node and real browsers, so they get generous
// timeouts and a bounded number of parallel files (these machines have two cores).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Once per run: the renderer the UI tests serve (test/ui), the CLI, and the processes tests fork.
    globalSetup: ['test/ui/global-setup.ts', 'test/integration/cli/cli-global-setup.ts', 'test/helpers/test-process-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
