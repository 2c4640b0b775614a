/**
 * How fast the built `kizuna` starts (issue 13's fast start): `kizuna --help` and `kizuna group
 * list` on a small profile, each spawned many times (hyperfine-style: warm-up, then the median and
 * p90 of wall time), beside a bare `node -e 0` as the floor. Target: ≤ 300 ms each.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, report, type BenchRow } from './lib/report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'kizuna.js');
const RUNS = 15;
const TARGET_MS = 300;

function run(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, KIZUNA_LOG_LEVEL: 'error' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.toString()}`);
  return ms;
}

function measure(args: string[]): number[] {
  run(args); // warm-up (file cache)
  return Array.from({ length: RUNS }, () => run(args));
}

const built = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build-cli.ts')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) throw new Error('building the CLI failed');
const dir = mkdtempSync(join(tmpdir(), 'kizuna-cli-bench-'));
try {
  const data = ['--data-dir', join(dir, 'p')];
  run([cli, 'identity', 'create', '--name', 'Bench', ...data]);
  const rows: BenchRow[] = [];
  const floor = measure(['-e', '0']);
  rows.push({ name: 'node -e 0 (floor) p50', value: percentile(floor, 50), unit: 'ms' });
  for (const [name, args] of [
    ['kizuna --help', [cli, '--help']],
    ['kizuna group list', [cli, 'group', 'list', ...data]],
  ] as const) {
    const sample = measure([...args]);
    const p50 = percentile(sample, 50);
    rows.push({ name: `${name} p50`, value: p50, unit: 'ms', target: `≤ ${TARGET_MS}`, meetsTarget: p50 <= TARGET_MS });
    rows.push({ name: `${name} p90`, value: percentile(sample, 90), unit: 'ms' });
  }
  report('cli-start', rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
