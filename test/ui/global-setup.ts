import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run's renderer build is (see setup). */
    rendererDir: string;
  }
}

let outDir: string | undefined;

/**
 * Builds the renderer once per test run, so UI tests work from a fresh clone and always test the
 * current sources. It builds into a folder of its own rather than dist/renderer: a `npm run build`
 * (or another test run) emptying dist/renderer mid-run would otherwise pull the page from under
 * the browser. Vitest runs with NODE_ENV=test, which would make Vite bundle React's development
 * build; the tests should see what users get, so the build runs as production.
 */
export async function setup(project: TestProject): Promise<void> {
  outDir = mkdtempSync(join(tmpdir(), 'kizuna-renderer-'));
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: new URL('../../vite.config.ts', import.meta.url).pathname,
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, sourcemap: false },
    });
  } finally {
    process.env.NODE_ENV = before;
  }
  project.provide('rendererDir', outDir);
}

export function teardown(): void {
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
}
