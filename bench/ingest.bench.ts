/**
 * Ingest: envelopes verified, decrypted and stored per second by one engine, per encryption mode.
 * A sender engine writes N messages; the receiver gets their bytes (as the network would hand them
 * over) and the clock runs until its inbox is idle. Target: >= 5,000/s for every mode, with the
 * receiver's event loop p99 <= 50 ms meanwhile (IPC replies wait behind an inbox turn).
 *
 * KIZUNA_BENCH_INGEST: envelopes per mode (20,000). KIZUNA_BENCH_INGEST_MODES: e.g. `mls,none`.
 * KIZUNA_BENCH_INGEST_PROFILE: a folder; the ingest phase alone (not the sending) is CPU-profiled
 * into <folder>/ingest-<mode>.cpuprofile.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EncryptionMode } from '../shared/domain/views.js';
import { profilePhase } from './lib/cpu-profile.js';
import { threeInGroup } from './lib/three-in-group.js';
import { report, type BenchRow } from './lib/report.js';

const N = Number(process.env['KIZUNA_BENCH_INGEST'] ?? 20_000);
const MODES = (process.env['KIZUNA_BENCH_INGEST_MODES'] ?? 'sealed,mls,none').split(',') as EncryptionMode[];
const PROFILE_DIR = process.env['KIZUNA_BENCH_INGEST_PROFILE'];

async function measure(mode: EncryptionMode): Promise<BenchRow[]> {
  const { dir, alice, bob, carol, net, groupId: g } = await threeInGroup('kizuna-bench-', 'ingest', mode);
  // Carol goes quiet; alice writes N messages; we collect the envelopes instead of delivering them.
  net.setOffline(carol, true);
  for (let i = 0; i < N; i++) await alice.sendText(g, `message number ${i} with a little text to make it realistic`);
  const envelopes = alice.outbox.due(N + 10).filter((j) => j.type === 'MESSAGE').map((j) => j.bytes);
  const profile = await profilePhase(PROFILE_DIR);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  for (const bytes of envelopes) carol.receive(bytes);
  await carol.inbox.idle();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  loop.disable();
  await profile.stop(`ingest-${mode}`);
  const stored = carol.latestMessages(g, 1).messages.length > 0 ? carol.store.read.messages.count(Buffer.from(g, 'base64url')) : 0;
  for (const e of [alice, bob, carol]) await e.close();
  dir.cleanup();
  const rate = envelopes.length / seconds;
  const p99 = loop.percentile(99) / 1e6;
  return [
    { name: `ingest ${mode}: envelopes/s`, value: Math.round(rate), unit: 'msg/s', target: '>= 5000', meetsTarget: rate >= 5000 },
    { name: `ingest ${mode}: stored`, value: stored, unit: 'messages', target: `${envelopes.length}`, meetsTarget: stored === envelopes.length },
    // CPU time of the whole process (main thread and signature workers) per envelope: steadier than the rate on a loaded machine.
    { name: `ingest ${mode}: CPU per envelope`, value: (cpu.user + cpu.system) / envelopes.length, unit: 'µs' },
    { name: `ingest ${mode}: event loop p99`, value: p99, unit: 'ms', target: '<= 50', meetsTarget: p99 <= 50, note: `max ${(loop.max / 1e6).toFixed(1)} ms` },
  ];
}

const rows: BenchRow[] = [];
for (const mode of MODES) rows.push(...(await measure(mode)));
report('ingest', rows);
