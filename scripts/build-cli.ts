/**
 * npm run build:cli (also `prepare`, so `npm ci` leaves a working `kizuna`): bundles the CLI into
 * dist/cli (see cli-bundle-options.ts). Old output is removed first, so no stale chunk survives.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CLI_OUT_DIR, cliBridgeBuildOptions, cliBuildOptions } from './cli-bundle-options.js';
import { projectRoot } from './project-root.js';

const root = projectRoot();
rmSync(join(root, CLI_OUT_DIR), { recursive: true, force: true });
await Promise.all([build(cliBuildOptions(root)), build(cliBridgeBuildOptions(root))]);
chmodSync(join(root, CLI_OUT_DIR, 'kizuna.js'), 0o755);
console.log(`build:cli → ${CLI_OUT_DIR}/kizuna.js`);
