import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One measured figure: what, the value, its unit, and (optionally) the target it is held against. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target?: string;
  meetsTarget?: boolean;
  note?: string;
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function machineInfo(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

/** Prints a table of the rows and writes them, with the machine, to bench/results/<suite>.json. */
export function report(suite: string, rows: BenchRow[]): void {
  console.log(`\n## ${suite}`);
  console.table(
    rows.map((r) => ({
      name: r.name,
      value: Number.isInteger(r.value) ? r.value : Number(r.value.toFixed(3)),
      unit: r.unit,
      target: r.target ?? '',
      ok: r.meetsTarget === undefined ? '' : r.meetsTarget ? 'yes' : 'NO',
      note: r.note ?? '',
    })),
  );
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `${suite}.json`),
    JSON.stringify({ suite, time: new Date().toISOString(), machine: machineInfo(), rows }, null, 2) + '\n',
  );
}

/** Percentile of an unsorted sample (p in 0..100). */
export function percentile(sample: number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
