/**
 * Sessions on a real SLIM node, measured in one run against the bare node:
 * - the bare grpc-js round trip through the node (two clients, ping-pong);
 * - end-to-end latency in a 10-member MLS group: send in A -> persisted, decrypted and emitted in B
 *   (A and B here, the eight other members in their own processes); target p50 <= 3 ms, p99 <= 15 ms;
 * - sustained throughput into one receiving engine (a publisher process offers 5,000 msg/s for 60 s);
 *   target >= 5,000 msg/s, none lost;
 * - catch-up: a member offline for 10,000 messages comes back; target <= 5 s.
 * Set KIZUNA_BENCH_SECONDS to shorten the throughput run while developing.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSlimName } from '../shared/domain/slim-name.js';
import type { Engine } from '../main/core/engine/engine.js';
import { SessionLayer } from '../main/core/session/session-layer.js';
import { launchSlimNode, pickFreeTcpPort } from '../main/core/slim-node/slim-node-launcher.js';
import { SlimClient } from '../main/core/transport/slim-client.js';
import { CoreProcess } from '../test/helpers/core-process.js';
import { introduce, newUser, tempDir, userId } from '../test/helpers/test-engines.js';
import { percentile, report, type BenchRow } from './lib/report.js';
import { buildTestProcesses } from './lib/test-processes.js';

const SECONDS = Number(process.env['KIZUNA_BENCH_SECONDS'] ?? 60);
/** KIZUNA_BENCH_ONLY=latency,catchup (rtt, latency, throughput, catchup) runs a part while developing. */
const ONLY = new Set((process.env['KIZUNA_BENCH_ONLY'] ?? 'rtt,latency,throughput,catchup').split(','));
const RATE = 5000;
const SESSION = { ackTimeoutMs: 2000, heartbeatMs: 5000, gapCheckMs: 500, directRetryCapMs: 1000 };
/** Core processes and the paced publisher run as built JavaScript (not under tsx). */
const PROCESSES = await buildTestProcesses();

const port = await pickFreeTcpPort();
const node = await launchSlimNode({ endpoint: `127.0.0.1:${port}` });
const dir = tempDir('kizuna-bench-session-');
const rows: BenchRow[] = [];

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// 1. The bare round trip.
if (ONLY.has('rtt')) {
  const a = new SlimClient({ endpoint: node.endpoint, localName: parseSlimName('bench/rtt/a') });
  const b = new SlimClient({ endpoint: node.endpoint, localName: parseSlimName('bench/rtt/b') });
  await a.connect({ timeoutMs: 10_000 });
  await b.connect({ timeoutMs: 10_000 });
  await a.subscribe(parseSlimName('bench/rtt/a'));
  await b.subscribe(parseSlimName('bench/rtt/b'));
  b.on('message', (m) => b.publish(parseSlimName('bench/rtt/a'), m.blob));
  const payload = new Uint8Array(200);
  const sample: number[] = [];
  for (let i = 0; i < 1200; i++) {
    const start = performance.now();
    const back = new Promise<void>((r) => a.once('message', () => r()));
    a.publish(parseSlimName('bench/rtt/b'), payload);
    await back;
    if (i >= 200) sample.push(performance.now() - start);
  }
  await a.close();
  await b.close();
  rows.push({ name: 'bare grpc-js round trip through the node', value: percentile(sample, 50), unit: 'ms (p50)', note: `p99 ${percentile(sample, 99).toFixed(2)} ms` });
}

async function inProcess(name: string, session: Partial<typeof SESSION> & { maxRetries?: number } = {}): Promise<{ engine: Engine; session: SessionLayer }> {
  const { engine } = await newUser(dir.path, name);
  const s = new SessionLayer(engine, { endpoint: node.endpoint, ...SESSION, ...session });
  s.start();
  await s.waitOnline(15_000);
  return { engine, session: s };
}

// 2. End-to-end latency in a 10-member MLS group. A is here, B is an echo bot in its own process,
// the eight others are real engines in their own processes. One way = half the round trip
// A -> B -> A. Measured twice: with everyone online (on this two-core machine the others' work
// competes with A's and B's; in the field each member has its own machine), and with the others
// offline. A does not wait for acks (maxRetries 0), so offline members cost it no retries.
if (ONLY.has('latency')) {
  const a = await inProcess('lat-a', { maxRetries: 0 });
  const members: CoreProcess[] = [];
  for (let i = 0; i < 9; i++) {
    // No events from the members: nothing here listens, and each would cost A's process (measured) an IPC message.
    const p = new CoreProcess(dir.path, `lat-m${i}`, node.endpoint, SESSION, { events: false });
    await p.start();
    await p.invoke('identity.create', { displayName: `m${i}` });
    members.push(p);
  }
  const b = members[0]!;
  const aCard = a.engine.getIdentity()?.card ?? '';
  const ids: string[] = [];
  for (const p of members) {
    await p.invoke('contacts.add', { card: aCard });
    ids.push(a.engine.addContact((await p.invoke('identity.get', {}))?.card ?? '').userId);
  }
  const g = await a.engine.createGroup({ name: 'latency', members: ids, mode: 'mls' });
  for (const p of members) {
    await p.until(() => p.invoke('invitations.list', {}), (l) => l.length === 1, 20_000, 'invited');
    await p.invoke('invitations.accept', { groupId: g.groupId });
  }
  await waitUntil(() => a.engine.getGroup(g.groupId).members.every((m) => m.status === 'joined'), 60_000, 'all joined');
  const epoch = a.engine.getGroup(g.groupId).epoch;
  for (const p of members) await p.until(() => p.invoke('groups.get', { groupId: g.groupId }), (v) => v.epoch >= epoch, 30_000, 'epoch');
  await b.echo(g.groupId);
  const measure = async (label: string, note: string): Promise<void> => {
    const sample: number[] = [];
    for (let i = 0; i < 600; i++) {
      const text = `latency ${label} ${i}`;
      const back = a.engine.events.waitFor('message', (m) => m.text === `echo: ${text}`, 10_000);
      const start = performance.now();
      await a.engine.sendText(g.groupId, text);
      await back;
      if (i >= 100) sample.push((performance.now() - start) / 2);
    }
    const p50 = percentile(sample, 50);
    const p99 = percentile(sample, 99);
    rows.push({ name: `end-to-end latency, 10-member MLS group, ${label} (p50)`, value: p50, unit: 'ms', target: '<= 3 ms', meetsTarget: p50 <= 3, note });
    rows.push({ name: `end-to-end latency, 10-member MLS group, ${label} (p99)`, value: p99, unit: 'ms', target: '<= 15 ms', meetsTarget: p99 <= 15 });
  };
  // All ten members online on this machine: the eight others decrypt and acknowledge every
  // message too, on the same two cores.
  await measure('all ten on one 2-core machine', 'one way = half of A->B->A');
  // The eight others offline (still members): A and B alone on the machine, as on their own machines.
  for (const p of members.slice(1)) await p.close();
  await measure('the eight others offline', 'one way = half of A->B->A');
  for (const p of members) await p.close();
  await a.session.close();
  await a.engine.close();
}

// 3. Sustained throughput into one receiving engine.
if (ONLY.has('throughput')) {
  const { engine: sender } = await newUser(dir.path, 'tp-sender');
  const receiver = await inProcess('tp-receiver');
  const { engine: third } = await newUser(dir.path, 'tp-third');
  introduce(sender, receiver.engine, third);
  const g = await sender.createGroup({ name: 'throughput', members: [userId(receiver.engine), userId(third)], mode: 'sealed' });
  // The invitation travels directly (the sender is not on the network in this run).
  for (const job of sender.outbox.due(10)) {
    if (job.type === 'INVITE' && Buffer.from(job.recipient ?? []).toString('base64url') === userId(receiver.engine)) await receiver.engine.receive(job.bytes);
    sender.outbox.markDone(job);
  }
  await waitUntil(() => receiver.engine.listInvitations().length === 1, 10_000, 'invited');
  await receiver.engine.acceptInvitation(g.groupId);
  const total = RATE * SECONDS;
  const file = join(dir.path, 'envelopes.bin');
  const chunks: Buffer[] = [];
  for (let i = 0; i < total; i++) {
    await sender.sendText(g.groupId, `load ${i}: a message of ordinary length for a group chat`);
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
  writeFileSync(file, Buffer.concat(chunks));
  await waitUntil(() => receiver.session.status() === 'online', 10_000, 'receiver online');
  const publisher = spawn(process.execPath, [PROCESSES.pacedPublisher, node.endpoint, `kizuna/groups/${g.groupId}`, file, String(RATE)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  publisher.stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n')));
  await waitUntil(() => lines.includes('ready'), 20_000, 'publisher ready');
  const groupKey = new Uint8Array(Buffer.from(g.groupId, 'base64url'));
  const count = (): number => receiver.engine.store.read.messages.count(groupKey);
  let lag = 0;
  const lagTimer = setInterval(() => {
    const start = performance.now();
    setImmediate(() => (lag = Math.max(lag, performance.now() - start)));
  }, 100);
  const start = performance.now();
  publisher.stdin.write('go\n');
  await waitUntil(() => count() >= total || performance.now() - start > (SECONDS + 60) * 1000, (SECONDS + 120) * 1000, 'all stored');
  const seconds = (performance.now() - start) / 1000;
  clearInterval(lagTimer);
  const stored = count();
  const rate = stored / seconds;
  rows.push({ name: `sustained throughput into one engine (${SECONDS} s offered at ${RATE}/s)`, value: Math.round(rate), unit: 'msg/s', target: '>= 5000', meetsTarget: rate >= 5000 * 0.99 });
  rows.push({ name: 'throughput run: lost', value: total - stored, unit: 'messages', target: '0', meetsTarget: stored === total, note: `${stored} of ${total} stored in ${seconds.toFixed(1)} s` });
  rows.push({ name: 'throughput run: longest event-loop stall seen', value: lag, unit: 'ms' });
  publisher.kill();
  await receiver.session.close();
  for (const e of [sender, receiver.engine, third]) await e.close();
}

// 4. Catch-up of 10,000 missed messages.
if (ONLY.has('catchup')) {
  const a = await inProcess('cu-a', { maxRetries: 0 });
  const b = await inProcess('cu-b');
  const { engine: c } = await newUser(dir.path, 'cu-c');
  introduce(a.engine, b.engine, c);
  const g = await a.engine.createGroup({ name: 'catch-up', members: [userId(b.engine), userId(c)], mode: 'mls' });
  await waitUntil(() => b.engine.listInvitations().length === 1, 10_000, 'invited');
  await b.engine.acceptInvitation(g.groupId);
  await waitUntil(() => b.engine.getGroup(g.groupId).myState === 'joined' && b.engine.getGroup(g.groupId).epoch === a.engine.getGroup(g.groupId).epoch, 20_000, 'joined');
  await b.session.close();
  for (let i = 0; i < 10_000; i++) await a.engine.sendText(g.groupId, `missed ${i}`);
  await waitUntil(() => (a.engine.stats().outbox['pending'] ?? 0) === 0, 60_000, 'published');
  const groupKey = new Uint8Array(Buffer.from(g.groupId, 'base64url'));
  const start = performance.now();
  const back = new SessionLayer(b.engine, { endpoint: node.endpoint, ...SESSION });
  back.start();
  await waitUntil(() => b.engine.store.read.messages.count(groupKey) >= 10_000, 120_000, 'caught up');
  const seconds = (performance.now() - start) / 1000;
  rows.push({ name: 'catch-up of 10,000 missed messages (MLS)', value: seconds, unit: 's', target: '<= 5 s', meetsTarget: seconds <= 5 });
  await back.close();
  await a.session.close();
  for (const e of [a.engine, b.engine, c]) await e.close();
}

await node.stop();
dir.cleanup();
report('session', rows);
process.exit(0);
