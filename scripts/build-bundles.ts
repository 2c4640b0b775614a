/**
 * npm run build:preload — bundles what cannot load modules on its own into single files:
 *   dist/preload/preload.cjs             the app window's sandboxed preload (window.kizuna)
 *   dist/preload/passphrase-preload.cjs  the passphrase window's preload
 *   dist/bridge/kizuna-bridge.js         the browser host's page script (window.kizuna over WebSocket)
 */
import { build } from 'esbuild';
import { bundleJobs } from './bundle-options.js';
import { projectRoot } from './project-root.js';

const jobs = bundleJobs(projectRoot());
await Promise.all(jobs.map((job) => build(job)));
console.log(`build:preload → ${jobs.map((j) => j.outfile.slice(projectRoot().length)).join(', ')}`);
