import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * What to start a signature worker from, as main/host/worker/worker-source.ts does for the core
 * worker: compiled, the sibling signature-worker-entry.js; from TypeScript sources (tests, tsx), a
 * small module that registers tsx in the worker (the parent's --import hooks do not reach workers on
 * Node 20) and imports the .ts entry. Bundled (the CLI), the sibling is missing: the worker fails to
 * start and the pool stays off, so envelopes are verified on the engine's thread as before.
 */
export function signatureWorkerSource(): { filename: string | URL; eval: boolean } {
  const self = fileURLToPath(import.meta.url);
  if (extname(self) !== '.ts') return { filename: new URL('./signature-worker-entry.js', import.meta.url), eval: false };
  const entry = new URL('./signature-worker-entry.ts', import.meta.url).href;
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const code =
    `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((error) => { console.error(error); process.exit(70); });`;
  return { filename: code, eval: true };
}
