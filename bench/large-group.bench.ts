/**
 * Large groups (issue 13): at 1,000 members,
 * - MLS add and remove commits, create (admin) and process (another member), with Kizuna's native
 *   crypto provider beside ts-mls's default (WebCrypto) provider in the same run; target <= 100 ms;
 * - fan-out of one message to 1,000 members' channels through a real SLIM node: 1,000 subscribers
 *   on one group channel (as every Kizuna member subscribes to its group's channel), one publish with
 *   fanout "all", the clock stopping when the last subscriber has it. The subscribers are grpc-js
 *   clients in this process, so their receive work shares its core with the node.
 *
 * Run: npm run bench -- large-group   (KIZUNA_BENCH_LARGE_MEMBERS changes the size while developing;
 * `--mls-only` skips the fan-out and the WebCrypto commit rows, `--reps N` sets the commits per row)
 */
import sodium from 'libsodium-wrappers';
import { parseSlimName } from '../shared/domain/slim-name.js';
import { generateKeyPackage, loadMlsSuite, processCommit, removeMembers, rosterOf, addMembers, type MlsCryptoProviderName } from '../main/core/crypto/mls/index.js';
import { launchSlimNode, pickFreeTcpPort } from '../main/core/slim-node/slim-node-launcher.js';
import { SlimClient } from '../main/core/transport/slim-client.js';
import { FANOUT_ALL } from '../main/core/transport/slim-wire-enums.js';
import { buildMlsGroup, newMlsIdentity, type BuiltMlsGroup } from './lib/mls-group-builder.js';
import { percentile, report, type BenchRow } from './lib/report.js';

const MEMBERS = Number(process.env['KIZUNA_BENCH_LARGE_MEMBERS'] ?? 1000);
const TARGET_MS = 100;
const FANOUT_ROUNDS = 30;
const MLS_ONLY = process.argv.includes('--mls-only');
const repsFlag = process.argv.indexOf('--reps');
const NATIVE_REPS = repsFlag > 0 ? Number(process.argv[repsFlag + 1]) : 10;

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function timed<T>(sample: number[], step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await step();
  sample.push(performance.now() - started);
  return result;
}

function commitRow(name: string, sample: number[]): BenchRow {
  const p50 = percentile(sample, 50);
  return { name, value: p50, unit: 'ms (p50)', target: `<= ${TARGET_MS} ms`, meetsTarget: p50 <= TARGET_MS, note: `max ${Math.max(...sample).toFixed(1)} ms, n=${sample.length}` };
}

/** Add then remove one member, `reps` times each, from the same starting group. */
async function commits(group: BuiltMlsGroup, provider: MlsCryptoProviderName, reps: number): Promise<BenchRow[]> {
  const suite = await loadMlsSuite(provider);
  const admin = { ...group.admin };
  const observer = { ...group.observer };
  const addCreate: number[] = [];
  const addProcess: number[] = [];
  const newcomers = await Promise.all(Array.from({ length: reps }, () => generateKeyPackage(newMlsIdentity(), { suite })));
  for (const kp of newcomers) {
    const add = await timed(addCreate, () => addMembers(admin.state, [kp.publicPackage], suite));
    admin.state = add.state;
    observer.state = (await timed(addProcess, () => processCommit(observer.state, add.commit, group.policy, suite))).state;
  }
  const removeCreate: number[] = [];
  const removeProcess: number[] = [];
  const victims = rosterOf(admin.state).filter((id) => !sameKey(id, admin.identity.publicKey) && !sameKey(id, observer.identity.publicKey));
  for (const victim of victims.slice(-reps)) {
    const removal = await timed(removeCreate, () => removeMembers(admin.state, [victim], suite));
    admin.state = removal.state;
    observer.state = (await timed(removeProcess, () => processCommit(observer.state, removal.commit, group.policy, suite))).state;
  }
  const tag = `${MEMBERS} members, ${provider}`;
  return [
    commitRow(`MLS add 1: create commit + welcome (${tag})`, addCreate),
    commitRow(`MLS add 1: process commit (${tag})`, addProcess),
    commitRow(`MLS remove 1: create commit (${tag})`, removeCreate),
    commitRow(`MLS remove 1: process commit (${tag})`, removeProcess),
  ];
}

/** One publish to a channel with MEMBERS subscribers, until every one has it. */
async function fanOut(): Promise<BenchRow[]> {
  const node = await launchSlimNode({ endpoint: `127.0.0.1:${await pickFreeTcpPort()}` });
  const channel = parseSlimName('kizuna/groups/large-group-bench');
  const subscribers: SlimClient[] = [];
  try {
    const joinStart = performance.now();
    for (let i = 0; i < MEMBERS; i++) {
      const c = new SlimClient({ endpoint: node.endpoint, localName: parseSlimName(`bench/large/m${i}`) });
      await c.connect({ timeoutMs: 30_000 });
      await c.subscribe(channel);
      subscribers.push(c);
    }
    const joinMs = performance.now() - joinStart;
    const sender = new SlimClient({ endpoint: node.endpoint, localName: parseSlimName('bench/large/sender') });
    await sender.connect({ timeoutMs: 30_000 });
    let received = 0;
    let wake: (() => void) | undefined;
    for (const c of subscribers) c.on('message', () => (received += 1) === MEMBERS && wake?.());
    const sample: number[] = [];
    const payload = new Uint8Array(200).fill(0x6b);
    let lost = 0;
    for (let round = 0; round < FANOUT_ROUNDS + 3; round++) {
      received = 0;
      const all = new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
        setTimeout(() => resolve(false), 10_000).unref();
      });
      const start = performance.now();
      sender.publish(channel, payload, { payloadType: 'bench', fanout: FANOUT_ALL });
      const complete = await all;
      if (!complete) lost += MEMBERS - received;
      if (round >= 3) sample.push(performance.now() - start);
    }
    await sender.close();
    return [
      { name: `fan-out of one message to ${MEMBERS} subscribers of a channel, last delivery (p50)`, value: percentile(sample, 50), unit: 'ms', note: `p99 ${percentile(sample, 99).toFixed(1)} ms, n=${sample.length}` },
      { name: `fan-out: deliveries lost`, value: lost, unit: 'deliveries', target: '0', meetsTarget: lost === 0 },
      { name: `fan-out: ${MEMBERS} clients connected and subscribed`, value: joinMs, unit: 'ms' },
    ];
  } finally {
    await Promise.all(subscribers.map((c) => c.close()));
    await node.stop();
  }
}

async function main(): Promise<void> {
  await sodium.ready;
  const rows: BenchRow[] = [];
  const group = await buildMlsGroup(MEMBERS, await loadMlsSuite('native'));
  rows.push({ name: `build a ${MEMBERS}-member MLS group (native, adds of 50)`, value: group.buildMs, unit: 'ms' });
  rows.push(...(await commits(group, 'native', NATIVE_REPS)));
  if (!MLS_ONLY) {
    (globalThis as { gc?: () => void }).gc?.();
    rows.push(...(await commits(group, 'webcrypto', 3)));
    rows.push(...(await fanOut()));
  }
  report('large-group', rows);
}

await main();
process.exit(0);
