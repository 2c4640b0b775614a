/**
 * What the benchmarks that drive the real renderer in Chromium share: a production build of it, the
 * page's frame times over a while (browser-side code passed as text: the benches are type-checked
 * without the DOM library), and the rows those frame times make.
 */
import { join } from 'node:path';
import { build } from 'vite';
import { percentile, type BenchRow } from './report.js';

const FRAME_BUDGET_MS = 1000 / 60;

/** Builds the renderer for production into `<root>/renderer` and returns that folder. */
export async function buildRenderer(root: string): Promise<string> {
  const outDir = join(root, 'renderer');
  process.env.NODE_ENV = 'production';
  await build({ configFile: new URL('../../vite.config.ts', import.meta.url).pathname, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  return outDir;
}

/** The page's frame times (and long tasks) for `ms`, and how many messages it shows at the end. */
export const FRAMES_FOR = (ms: number): string => `(async () => {
  const times = [];
  const longTasks = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
  observer.observe({ type: 'longtask' });
  const end = performance.now() + ${ms};
  await new Promise((resolve) => {
    let last = 0;
    const step = (t) => { if (last > 0) times.push(t - last); last = t; if (t < end) requestAnimationFrame(step); else resolve(); };
    requestAnimationFrame(step);
  });
  observer.disconnect();
  return { times, longTasks, rendered: document.querySelectorAll('article.message').length };
})()`;

export function frameRows(prefix: string, frames: number[], longTasks: number[]): BenchRow[] {
  const over = (ms: number): number => (frames.filter((f) => f > ms).length / Math.max(1, frames.length)) * 100;
  const p95 = percentile(frames, 95);
  return [
    { name: `${prefix}: frame time p50`, value: percentile(frames, 50), unit: 'ms' },
    { name: `${prefix}: frame time p95`, value: p95, unit: 'ms', target: '≤ 33.3 (30 fps)', meetsTarget: p95 <= 33.4 },
    { name: `${prefix}: frame time p99`, value: percentile(frames, 99), unit: 'ms' },
    { name: `${prefix}: frames over 16.7 ms`, value: over(FRAME_BUDGET_MS + 0.5), unit: '%' },
    { name: `${prefix}: frames over 50 ms`, value: over(50), unit: '%', target: '< 1', meetsTarget: over(50) < 1 },
    { name: `${prefix}: long tasks`, value: longTasks.length, unit: 'count', note: longTasks.length > 0 ? `longest ${Math.max(...longTasks).toFixed(0)} ms` : '' },
  ];
}
