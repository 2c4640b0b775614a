import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * What to start the core worker from: compiled, the sibling core-worker-entry.js; from TypeScript
 * sources (tests), a small module that registers tsx in the worker and imports the .ts entry.
 */
export function workerSource(): { filename: string | URL; eval: boolean; execArgv?: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (extname(self) !== '.ts') return { filename: new URL('./core-worker-entry.js', import.meta.url), eval: false };
  const entry = new URL('./core-worker-entry.ts', import.meta.url).href;
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  // Hooks from the parent's --import do not reach workers on Node 20; register tsx inside the worker.
  const code =
    `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((error) => { console.error(error); process.exit(70); });`;
  return { filename: code, eval: true, execArgv: [] };
}
