/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after another, so that
 * no benchmark disturbs another. Each prints its table and writes bench/results/<suite>.json.
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SEMI_SPACE_MB } from '../main/host/worker/core-heap.js';

const here = dirname(fileURLToPath(import.meta.url));
// `npm run bench -- peer --seconds 5`: names pick suites; flags (and their values) go to every suite run.
const args = process.argv.slice(2);
const flags = args.filter((a, i) => a.startsWith('--') || (i > 0 && args[i - 1]!.startsWith('--') && /^[0-9.]+$/.test(a)));
const only = args.filter((a) => !flags.includes(a));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

// The engines a suite runs in its own process get the young generation the app gives its core thread
// (core-heap.ts), so that a figure measured here is the app's.
const heap = `--max-semi-space-size=${CORE_SEMI_SPACE_MB}`;

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', heap, join(here, file), ...flags], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`${file} failed with status ${result.status ?? result.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
