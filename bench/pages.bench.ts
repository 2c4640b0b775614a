/**
 * Pages per message (issue 13): the WAL frames (pages) and commits one send and one receive write,
 * in a 3-member group, per encryption mode; the median of KIZUNA_BENCH_PAGES_RUNS (15) operations
 * after two warm-up ones. A send is `sendText` on the sender; a receive is the message's envelope
 * handed to an idle member's `receive` until its inbox is idle (the search index's turn included),
 * and for MLS the ratchet state stored a moment after the burst. Counts, not times: they are the same
 * on every machine, and each page costs a commit ~18-28 µs of CPU (docs/PERFORMANCE.md).
 */
import type { Engine } from '../main/core/engine/engine.js';
import type { EncryptionMode } from '../shared/domain/views.js';
import { threeInGroup } from './lib/three-in-group.js';
import { percentile, report, type BenchRow } from './lib/report.js';
import { pageOwners, walWrites, type WalFrames } from './lib/wal-frames.js';

const RUNS = Number(process.env['KIZUNA_BENCH_PAGES_RUNS'] ?? 15);
const WARM_UP = 2;
const MODES: EncryptionMode[] = ['none', 'mls'];
/** A little longer than mls-states.ts's FLUSH_AFTER_MS: a received burst's MLS state is stored then. */
const MLS_FLUSH_WAIT_MS = 300;

/**
 * Stops an engine's checkpoint worker: its checkpoints would let a commit start the WAL over in the
 * middle of a measured operation. Private to the engine (no host may stop it), so reached by name here.
 */
async function stopCheckpoints(e: Engine): Promise<void> {
  await (e as unknown as { checkpoints: { stop(): Promise<void> } }).checkpoints.stop();
}

interface Measured {
  name: string;
  samples: WalFrames[];
  owners: Map<string, number>;
}

async function measureOp(name: string, e: Engine, op: () => Promise<unknown>): Promise<Measured> {
  const samples: WalFrames[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const w = await walWrites(e.store.db, op);
    if (i >= WARM_UP) samples.push(w);
  }
  // Where the pages of the median operation went (the last sample with the median frame count).
  const median = percentile(samples.map((s) => s.frames), 50);
  const typical = samples.filter((s) => s.frames === median).at(-1) ?? samples[0]!;
  return { name, samples, owners: pageOwners(e.store.db, typical.pages) };
}

async function measure(mode: EncryptionMode): Promise<Measured[]> {
  const { dir, alice, bob, carol, net, groupId: g } = await threeInGroup('kizuna-bench-pages-', 'pages', mode);
  // Nothing moves between engines from here on: each engine writes only what the measured operation writes.
  for (const e of [alice, bob, carol]) net.setOffline(e, true);
  await Promise.all([alice, carol].map(stopCheckpoints));

  let n = 0;
  const send = await measureOp(`send ${mode}`, alice, () => alice.sendText(g, `message number ${n++} with a little text to make it realistic`));
  const envelopes = alice.outbox.due(10_000).filter((j) => j.type === 'MESSAGE').map((j) => j.bytes);
  let next = 0;
  const receive = await measureOp(`receive ${mode}`, carol, async () => {
    const bytes = envelopes[next++];
    if (bytes === undefined) throw new Error('not enough envelopes sent');
    await carol.receive(bytes);
    await carol.inbox.idle();
    if (mode === 'mls') await new Promise((resolve) => setTimeout(resolve, MLS_FLUSH_WAIT_MS));
  });
  const stored = carol.store.read.messages.count(Buffer.from(g, 'base64url'));
  if (stored !== next) throw new Error(`carol stored ${stored} of ${next} messages`);
  for (const e of [alice, bob, carol]) await e.close();
  dir.cleanup();
  return [send, receive];
}

const rows: BenchRow[] = [];
for (const mode of MODES) {
  for (const m of await measure(mode)) {
    const frames = m.samples.map((s) => s.frames);
    const commits = m.samples.map((s) => s.commits);
    const where = [...m.owners].sort((a, b) => b[1] - a[1]).map(([table, count]) => `${table} ${count}`).join(', ');
    rows.push({ name: `${m.name}: pages`, value: percentile(frames, 50), unit: 'pages (median)', note: `min ${Math.min(...frames)}, max ${Math.max(...frames)}; ${where}` });
    rows.push({ name: `${m.name}: commits`, value: percentile(commits, 50), unit: 'commits (median)', note: `min ${Math.min(...commits)}, max ${Math.max(...commits)}` });
  }
}
report('pages', rows);
