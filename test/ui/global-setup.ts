import { build } from 'vite';

/**
 * Builds the renderer once per test run (into dist/renderer, what the browser host serves), so UI
 * tests work from a fresh clone and always test the current sources. Vitest runs with
 * NODE_ENV=test, which would make Vite bundle React's development build; the tests should see what
 * users get, so the build runs as production.
 */
export async function setup(): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: new URL('../../vite.config.ts', import.meta.url).pathname, mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = before;
  }
}
