/**
 * npm run build:main — compiles the Node side to dist/ (tsconfig.build.json) and copies the .proto
 * files the core loads at run time to dist/shared/proto. Old output is removed first, so a deleted
 * source never survives as a stale .js.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from './project-root.js';

const root = projectRoot();
for (const dir of ['main', 'shared']) rmSync(join(root, 'dist', dir), { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });

cpSync(join(root, 'shared', 'proto'), join(root, 'dist', 'shared', 'proto'), {
  recursive: true,
  filter: (source) => !/\.(ts|md)$/.test(source),
});
console.log('build:main → dist/main, dist/shared (with shared/proto)');
