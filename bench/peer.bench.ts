/**
 * Kizuna against the official SLIM bindings app, in one run, on the same real SLIM node and the same
 * 200-byte payloads, over TCP and over a unix socket (issue 13):
 * - the bare grpc-js round trip through the node (the floor);
 * - group sessions of 2 and 10 members, MLS on and off, on both systems: round trip p50/p99 (A sends,
 *   B answers on receipt, A receives; for Kizuna A's clock stops when the answer is persisted,
 *   decrypted and emitted), sustained throughput into one receiver with nothing lost, memory per member.
 * Every bindings member is its own process (bench/peer/slim-app.mjs); Kizuna's A and the receiver run
 * in this process, the other members are engines in their own processes (test/helpers/core-process).
 * Kizuna's "MLS off" is encryption mode "none" (signed, not encrypted), as the bindings' is plain SLIM.
 * Kizuna's groups have at least three members: its "group of 2" has a third member, offline.
 *
 * Flags: --seconds N (throughput; default 10), --full (60 s), --round-trips N (default 200), --latency-only
 * (no throughput runs: msgs_per_s is NaN). KIZUNA_PEER_PROFILE=<folder>: Kizuna's round trips (A's main
 * thread, after the warm-up) and each flood (the receiving process's main thread, from the first publish
 * to the last stored envelope) are CPU-profiled into <folder>/{latency,flood}-<transport>-<members>-<none|mls>.cpuprofile,
 * and each member process of a round-trip row (the echo bot first) for its whole life into <folder>/members-latency-<tag>/.
 * Writes bench/results/peer.json as the issue gives it, plus the target ratios.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseSlimName } from '../shared/domain/slim-name.js';
import type { EncryptionMode } from '../shared/domain/views.js';
import type { Engine } from '../main/core/engine/engine.js';
import { SessionLayer } from '../main/core/session/session-layer.js';
import { createUnixSocketEndpoint, launchSlimNode, pickFreeTcpPort, type SlimNodeHandle } from '../main/core/slim-node/slim-node-launcher.js';
import { SlimClient } from '../main/core/transport/slim-client.js';
import { CoreProcess } from '../test/helpers/core-process.js';
import { LoopbackNetwork } from '../test/helpers/loopback-network.js';
import { introduce, newUser, tempDir, userId } from '../test/helpers/test-engines.js';
import { profilePhase, type PhaseProfile } from './lib/cpu-profile.js';
import { machineInfo, percentile } from './lib/report.js';
import { buildTestProcesses } from './lib/test-processes.js';
import { parsePeerBenchFlags, ratio } from './peer/bench-flags.js';
import { lossAccount, type LossAccount } from './peer/loss-account.js';
import { childPids, rssMiB } from './peer/process-memory.js';
import { SlimAppProcess } from './peer/slim-app-driver.js';

const FLAGS = parsePeerBenchFlags(process.argv.slice(2), process.env);
const WARMUP = 20;
const PAYLOAD_BYTES = 200;
/** Kizuna's offered rate into the receiver: above the 5,000/s target, so the figure shows capacity. */
const OFFERED_RATE = 6000;
/** Kizuna's smallest group: the creator and two members. A group "of 2" has a third member who is offline. */
const KIZUNA_MIN_GROUP = 3;
const SESSION = { ackTimeoutMs: 2000, heartbeatMs: 5000, gapCheckMs: 500, directRetryCapMs: 1000 };
/** Core processes and the paced publisher run as built JavaScript, so their memory is the engine's, not tsx's. */
const PROCESSES = await buildTestProcesses();

interface PeerRow {
  system: 'kizuna' | 'slim-bindings';
  transport: 'tcp' | 'unix';
  members: number;
  mls: boolean;
  p50_ms: number;
  p99_ms: number;
  msgs_per_s: number;
  lost: number;
  rss_mb: number;
}
type Transport = PeerRow['transport'];

const rows: PeerRow[] = [];
const loopP99: Record<string, number> = {};
/** CPU milliseconds Kizuna's A spent per measured round trip (its process), by row tag. */
const cpuPerRoundTrip: Record<string, number> = {};
const dir = tempDir('kizuna-bench-peer-');
const text200 = (i: number): string => `${i} `.padEnd(PAYLOAD_BYTES, 'k');
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Bare grpc-js ping-pong through the node: the floor under both systems. */
async function bareRoundTrip(endpoint: string): Promise<number[]> {
  const aName = parseSlimName('bench/peer-rtt/a');
  const bName = parseSlimName('bench/peer-rtt/b');
  const a = new SlimClient({ endpoint, localName: aName });
  const b = new SlimClient({ endpoint, localName: bName });
  await a.connect({ timeoutMs: 10_000 });
  await b.connect({ timeoutMs: 10_000 });
  await a.subscribe(aName);
  await b.subscribe(bName);
  b.on('message', (m) => b.publish(aName, m.blob));
  const payload = new Uint8Array(PAYLOAD_BYTES);
  const sample: number[] = [];
  for (let i = 0; i < 1200; i++) {
    const start = performance.now();
    const back = new Promise<void>((r) => a.once('message', () => r()));
    a.publish(bName, payload);
    await back;
    if (i >= 200) sample.push(performance.now() - start);
  }
  await a.close();
  await b.close();
  return sample;
}

/** The bindings app: A moderates a group session, B echoes (latency) or counts (throughput). */
async function bindingsRow(endpoint: string, transport: Transport, members: number, mls: boolean): Promise<PeerRow> {
  const tag = `${transport}-${members}-${mls ? 'mls' : 'plain'}`;
  const names = Array.from({ length: members - 1 }, (_, i) => `bench/peer-${tag}/m${i}`);
  const others = names.map((n) => new SlimAppProcess(endpoint, n, 'participant', `bench/peer-${tag}/channel`, mls));
  for (const p of others) await p.until('ready');
  const a = new SlimAppProcess(endpoint, `bench/peer-${tag}/a`, 'moderator', `bench/peer-${tag}/channel`, mls, names);
  try {
    await a.until('joined', 120_000);
    for (const p of others) await p.until('joined', 120_000);
    const b = others[0]!;
    await b.ask({ cmd: 'echo' }, 'ok');
    const rtt = (await a.ask({ cmd: 'rtt', n: FLAGS.roundTrips, warmup: WARMUP, size: PAYLOAD_BYTES }, 'rtt', 600_000))['samples'] as number[];
    const rss = [a, ...others].map((p) => rssMiB(p.pid));
    const rssMb = round(rss.reduce((s, x) => s + x, 0) / rss.length, 1);
    if (FLAGS.latencyOnly) {
      return { system: 'slim-bindings', transport, members, mls, p50_ms: round(percentile(rtt, 50)), p99_ms: round(percentile(rtt, 99)), msgs_per_s: Number.NaN, lost: 0, rss_mb: rssMb };
    }
    await b.ask({ cmd: 'count' }, 'ok');
    // Offered as Kizuna's flood is: OFFERED_RATE a second for the run's seconds, the rate taken to the last arrival.
    const total = OFFERED_RATE * FLAGS.seconds;
    const flood = await a.ask({ cmd: 'flood', count: total, rate: OFFERED_RATE, size: PAYLOAD_BYTES }, 'flooded', (FLAGS.seconds + 120) * 1000);
    const sent = flood['sent'] as number;
    // Received is what B counted once its count stops growing (or reaches what A sent).
    const { count: received, lastAt } = await b.settledCount(sent);
    const seconds = Math.max(1e-3, (lastAt - (flood['startedAt'] as number)) / 1000);
    console.log(`bindings flood ${tag}: offered ${total}, published ${sent} in ${round(flood['seconds'] as number)} s, received ${received}`);
    return {
      system: 'slim-bindings', transport, members, mls,
      p50_ms: round(percentile(rtt, 50)), p99_ms: round(percentile(rtt, 99)),
      msgs_per_s: Math.round(received / seconds), lost: total - received,
      rss_mb: rssMb,
    };
  } finally {
    await a.close();
    for (const p of others) await p.close();
  }
}

async function inProcess(name: string, endpoint: string, session: { maxRetries?: number } = {}): Promise<{ engine: Engine; session: SessionLayer }> {
  const { engine } = await newUser(dir.path, name);
  const s = new SessionLayer(engine, { endpoint, ...SESSION, ...session });
  s.start();
  await s.waitOnline(15_000);
  return { engine, session: s };
}

/** With KIZUNA_PEER_PROFILE, a round-trip row's member processes are profiled for life (the echo bot does half the work). */
function memberProfileFlags(tag: string): string[] {
  const folder = process.env['KIZUNA_PEER_PROFILE'];
  return folder === undefined || folder === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(folder, `members-latency-${tag}`)}`];
}

/** Kizuna round trips: A here, B an echo bot, the others engines in their own processes, all online. */
async function kizunaLatency(endpoint: string, tag: string, members: number, mode: EncryptionMode, nodePids: number[]): Promise<{ rtt: number[]; rss: number }> {
  const a = await inProcess(`lat-a-${tag}`, endpoint, { maxRetries: 0 });
  const others: CoreProcess[] = [];
  try {
    for (let i = 0; i < Math.max(members - 1, KIZUNA_MIN_GROUP - 1); i++) {
      // No events from the members: nothing here listens, and each would cost A's process (measured) an IPC message.
      const p = new CoreProcess(dir.path, `lat-${tag}-m${i}`, endpoint, SESSION, { events: false, execArgv: memberProfileFlags(tag) });
      await p.start();
      await p.invoke('identity.create', { displayName: `m${i}` });
      others.push(p);
    }
    const aCard = a.engine.getIdentity()?.card ?? '';
    const ids: string[] = [];
    for (const p of others) {
      await p.invoke('contacts.add', { card: aCard });
      ids.push(a.engine.addContact((await p.invoke('identity.get', {}))?.card ?? '').userId);
    }
    const g = await a.engine.createGroup({ name: `peer ${tag}`, members: ids, mode });
    for (const p of others) {
      await p.until(() => p.invoke('invitations.list', {}), (l) => l.length === 1, 30_000, 'invited');
      await p.invoke('invitations.accept', { groupId: g.groupId });
    }
    await waitUntil(() => a.engine.getGroup(g.groupId).members.every((m) => m.status === 'joined'), 60_000, 'all joined');
    const epoch = a.engine.getGroup(g.groupId).epoch;
    for (const p of others) await p.until(() => p.invoke('groups.get', { groupId: g.groupId }), (v) => v.epoch >= epoch, 30_000, 'epoch');
    // A group "of 2": the third member Kizuna requires joins, then goes offline for the measurement.
    while (others.length > members - 1) await others.pop()!.close();
    await others[0]!.echo(g.groupId);
    const rtt: number[] = [];
    let cpuFrom = process.cpuUsage();
    let profile: PhaseProfile | undefined;
    for (let i = 0; i < FLAGS.roundTrips + WARMUP; i++) {
      if (i === WARMUP) {
        profile = await profilePhase(process.env['KIZUNA_PEER_PROFILE']);
        cpuFrom = process.cpuUsage();
      }
      const text = text200(i);
      const back = a.engine.events.waitFor('message', (m) => m.text === `echo: ${text}`, 10_000);
      const start = performance.now();
      await a.engine.sendText(g.groupId, text);
      await back;
      if (i >= WARMUP) rtt.push(performance.now() - start);
    }
    // A's CPU time per round trip (this process is A's engine and the loop above): unlike wall time,
    // it hardly moves with the machine's load, so it shows a change in work when the machine is busy.
    const cpu = process.cpuUsage(cpuFrom);
    await profile?.stop(`latency-${tag}`);
    cpuPerRoundTrip[tag] = round((cpu.user + cpu.system) / 1000 / FLAGS.roundTrips);
    // Members' own processes (not the node, not this one): resident memory each.
    const memberRss = childPids().filter((pid) => !nodePids.includes(pid)).map(rssMiB).filter((x) => Number.isFinite(x));
    return { rtt, rss: memberRss.reduce((s, x) => s + x, 0) / Math.max(1, memberRss.length) };
  } finally {
    for (const p of others) await p.close();
    await a.session.close();
    await a.engine.close();
  }
}

/** Kizuna throughput: envelopes written by a real sender, offered by a publisher process, into one engine here. */
async function kizunaThroughput(endpoint: string, tag: string, members: number, mode: EncryptionMode): Promise<{ rate: number; lost: number; loopP99: number; losses: LossAccount }> {
  const { engine: sender } = await newUser(dir.path, `tp-s-${tag}`);
  const { engine: receiver } = await newUser(dir.path, `tp-r-${tag}`);
  const others: Engine[] = [];
  for (let i = 0; i < Math.max(members, KIZUNA_MIN_GROUP) - 2; i++) others.push((await newUser(dir.path, `tp-o${i}-${tag}`)).engine);
  introduce(sender, receiver, ...others);
  const net = new LoopbackNetwork();
  net.add(sender, receiver, ...others);
  const g = (await sender.createGroup({ name: `tp ${tag}`, members: [receiver, ...others].map(userId), mode })).groupId;
  await net.settle();
  for (const e of [receiver, ...others]) await e.acceptInvitation(g);
  await net.settle();
  for (const e of others) net.setOffline(e, true);
  net.setOffline(receiver, true);
  const total = OFFERED_RATE * FLAGS.seconds;
  const chunks: Buffer[] = [];
  for (let i = 0; i < total; i++) {
    await sender.sendText(g, text200(i));
    if (i % 5000 === 4999 || i === total - 1) {
      for (const job of sender.outbox.due(10_000)) {
        if (job.type === 'MESSAGE') {
          const len = Buffer.alloc(4);
          len.writeUInt32BE(job.bytes.byteLength);
          chunks.push(len, Buffer.from(job.bytes));
        }
        sender.outbox.markDone(job);
      }
    }
  }
  const file = join(dir.path, `envelopes-${tag}.bin`);
  writeFileSync(file, Buffer.concat(chunks));
  const session = new SessionLayer(receiver, { endpoint, ...SESSION });
  session.start();
  await session.waitOnline(15_000);
  // Counted from the receiver's events, not with a COUNT(*) every 5 ms: that query ran on the measured
  // loop, a scan of the group's messages each time (~2 % of the flood's profile, and in its stalls).
  const storedIds = new Set<string>();
  const onMessage = (m: { groupId: string; id: string }): void => {
    if (m.groupId === g) storedIds.add(m.id);
  };
  receiver.events.on('message', onMessage);
  const count = (): number => storedIds.size;
  const publisher = spawn(process.execPath, [PROCESSES.pacedPublisher, endpoint, `kizuna/groups/${g}`, file, String(OFFERED_RATE)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const lines: string[] = [];
    publisher.stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n')));
    await waitUntil(() => lines.includes('ready'), 30_000, 'publisher ready');
    const statsBefore = receiver.stats();
    const wireBefore = session.transportStats();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const profile = await profilePhase(process.env['KIZUNA_PEER_PROFILE']);
    const start = performance.now();
    publisher.stdin.write('go\n');
    // The rate is over the time to the last stored envelope: with losses, waiting out the limit would count idle time.
    let stored = 0;
    let lastStoredAt = start;
    const published = (): boolean => lines.some((l) => l.startsWith('done'));
    await waitUntil(
      () => {
        const n = count();
        const now = performance.now();
        if (n > stored) [stored, lastStoredAt] = [n, now];
        const stalled = published() && now - lastStoredAt > STALL_MS && receiver.stats().inbox['new'] === 0;
        return n >= total || stalled || now - start > (FLAGS.seconds + 60) * 1000;
      },
      (FLAGS.seconds + 120) * 1000,
      'all stored',
    );
    loop.disable();
    await profile.stop(`flood-${tag}`);
    const losses = lossAccount(total, statsBefore, receiver.stats(), wireBefore, session.transportStats());
    return { rate: stored / Math.max(1e-3, (lastStoredAt - start) / 1000), lost: total - stored, loopP99: loop.percentile(99) / 1e6, losses };
  } finally {
    receiver.events.off('message', onMessage);
    publisher.kill();
    await session.close();
    for (const e of [sender, receiver, ...others]) await e.close();
  }
}

/** Once the publisher is done, this long without a new stored envelope (and nothing new in the inbox) ends the wait. */
const STALL_MS = 10_000;

const losses: Record<string, LossAccount> = {};

async function kizunaRow(endpoint: string, transport: Transport, members: number, mls: boolean, nodePids: number[]): Promise<PeerRow> {
  const tag = `${transport}-${members}-${mls ? 'mls' : 'none'}`;
  const mode: EncryptionMode = mls ? 'mls' : 'none';
  const latency = await kizunaLatency(endpoint, tag, members, mode, nodePids);
  const tp = FLAGS.latencyOnly ? undefined : await kizunaThroughput(endpoint, tag, members, mode);
  loopP99[tag] = round(tp?.loopP99 ?? Number.NaN, 1);
  if (tp) losses[tag] = tp.losses;
  return {
    system: 'kizuna', transport, members, mls,
    p50_ms: round(percentile(latency.rtt, 50)), p99_ms: round(percentile(latency.rtt, 99)),
    msgs_per_s: Math.round(tp?.rate ?? Number.NaN), lost: tp?.lost ?? 0, rss_mb: round(latency.rss, 1),
  };
}

/** The issue's targets, each as a ratio in this run: latency ratios ≤ 1 (≤ 3 against the floor) and throughput ratios ≥ 1 pass. */
/** peer.json (and, at the end, the tables): the rows so far, the floor, and the target ratios. */
function writeResults(print = false): void {
  const ratios = rows
    .filter((r) => r.system === 'kizuna')
    .map((k) => {
      const s = rows.find((r) => r.system === 'slim-bindings' && r.transport === k.transport && r.members === k.members && r.mls === k.mls);
      const tag = `${k.transport}-${k.members}-${k.mls ? 'mls' : 'none'}`;
      return {
        transport: k.transport, members: k.members, mls: k.mls,
        rtt_vs_bindings: s === undefined ? null : round(ratio(k.p50_ms, s.p50_ms), 2),
        rtt_vs_bare: round(ratio(k.p50_ms, bare[k.transport]), 1),
        throughput_vs_bindings: s === undefined ? null : round(ratio(k.msgs_per_s, s.msgs_per_s), 2),
        throughput_vs_5000: round(k.msgs_per_s / 5000, 2),
        loop_p99_ms: loopP99[tag] ?? null,
        a_cpu_ms_per_rtt: cpuPerRoundTrip[tag] ?? null,
      };
    });

  if (print) {
    console.log('\n## peer');
    console.table(rows);
    console.log(`bare round trip p50: tcp ${bare.tcp} ms, unix ${bare.unix} ms`);
    console.log('Kizuna throughput: where lost envelopes went');
    console.table(Object.fromEntries(Object.entries(losses).map(([tag, l]) => [tag, { ...l, transport_dropped: JSON.stringify(l.transport_dropped), engine_dropped: JSON.stringify(l.engine_dropped) }])));
    console.table(ratios);
  }
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, process.env['KIZUNA_PEER_RESULT'] ?? 'peer.json'),
    JSON.stringify({ rows, bare_rtt_ms: bare, ratios, losses, targets: { rtt_vs_bindings: '<= 1', rtt_vs_bare: '<= 3', throughput_vs_bindings: '>= 1', throughput_vs_5000: '>= 1', loop_p99_ms: '<= 50' }, seconds: FLAGS.seconds, machine: machineInfo(), time: new Date().toISOString() }, null, 2) + '\n',
  );
}

const socket = await createUnixSocketEndpoint('kz-peer-');
const nodes: Record<Transport, SlimNodeHandle> = {
  tcp: await launchSlimNode({ endpoint: `127.0.0.1:${await pickFreeTcpPort()}` }),
  unix: await launchSlimNode({ endpoint: socket.endpoint }),
};
const nodePids = Object.values(nodes).map((n) => n.pid);
const bare: Record<Transport, number> = { tcp: Number.NaN, unix: Number.NaN };
/** KIZUNA_PEER_ONLY=slim-bindings, KIZUNA_PEER_TRANSPORTS=unix, KIZUNA_PEER_MEMBERS=2 and KIZUNA_PEER_MLS=off run a part while developing. */
const only = new Set((process.env['KIZUNA_PEER_ONLY'] ?? 'slim-bindings,kizuna').split(','));
const memberCounts = (process.env['KIZUNA_PEER_MEMBERS'] ?? '2,10').split(',').map(Number);
const mlsModes = (process.env['KIZUNA_PEER_MLS'] ?? 'on,off').split(',').map((m) => m === 'on');
try {
  const transports = (process.env['KIZUNA_PEER_TRANSPORTS'] ?? 'tcp,unix').split(',') as Transport[];
  for (const transport of transports) {
    const endpoint = nodes[transport].endpoint;
    bare[transport] = round(percentile(await bareRoundTrip(endpoint), 50));
    console.log(`bare round trip (${transport}): ${bare[transport]} ms p50`);
    for (const members of memberCounts) {
      for (const mls of mlsModes) {
        for (const system of ['slim-bindings', 'kizuna'] as const) {
          if (!only.has(system)) continue;
          const row = system === 'kizuna' ? await kizunaRow(endpoint, transport, members, mls, nodePids) : await bindingsRow(endpoint, transport, members, mls);
          rows.push(row);
          const tag = `${transport}-${members}-${mls ? 'mls' : 'none'}`;
          console.log(JSON.stringify(system === 'kizuna' ? { ...row, a_cpu_ms_per_rtt: cpuPerRoundTrip[tag] } : row));
          // Written after every row, so a long run stopped early still leaves what it measured.
          writeResults();
        }
      }
    }
  }
} finally {
  for (const n of Object.values(nodes)) await n.stop();
  await socket.cleanup();
  dir.cleanup();
}

writeResults(true);
process.exit(0);
