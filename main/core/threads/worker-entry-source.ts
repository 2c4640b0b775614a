import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What `new Worker(filename, { eval, execArgv })` is given to start one entry file. */
export interface WorkerEntrySource {
  readonly filename: string | URL;
  readonly eval: boolean;
  /** Set from TypeScript sources only: the worker must not inherit the parent's `--import tsx`. */
  readonly execArgv?: string[];
}

/**
 * What to start the worker entry `<entry>.js`/`<entry>.ts` beside the module `starterUrl` from (pass
 * the starter's own `import.meta.url`: its extension says whether we run built or from sources).
 * Compiled, the sibling `<entry>.js`; from TypeScript sources (tests, tsx), a small module that
 * registers tsx in the worker (the parent's --import hooks do not reach workers on Node 20) and
 * imports the sibling `<entry>.ts`. In a bundle the sibling may be missing: the worker then fails
 * to start, which the starter must handle.
 */
export function workerEntrySource(starterUrl: string, entry: string): WorkerEntrySource {
  if (extname(fileURLToPath(starterUrl)) !== '.ts') return { filename: new URL(`./${entry}.js`, starterUrl), eval: false };
  const entryUrl = new URL(`./${entry}.ts`, starterUrl).href;
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const code =
    `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entryUrl)}); })` +
    `.catch((error) => { console.error(error); process.exit(70); });`;
  return { filename: code, eval: true, execArgv: [] };
}
