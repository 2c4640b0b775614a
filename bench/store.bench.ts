/**
 * The store with 1,000,000 messages in one group: the newest page of 50, one previous-page step,
 * a full-text query, and a cold open to the group list (a fresh process would do the same work:
 * open the database, check the key, load the identity, list the groups).
 * Targets: <= 5 ms, <= 5 ms, <= 50 ms, <= 300 ms.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createKeyFileWrapper } from '../main/core/crypto/local-key/key-file-wrapper.js';
import { Engine } from '../main/core/engine/engine.js';
import type { MessageRow } from '../main/core/store/tables/messages-table.js';
import { LoopbackNetwork } from '../test/helpers/loopback-network.js';
import { introduce, tempDir, userId } from '../test/helpers/test-engines.js';
import { percentile, report, type BenchRow } from './lib/report.js';

const N = Number(process.env['KIZUNA_BENCH_MESSAGES'] ?? 1_000_000);
const WORDS = ['meeting', 'lunch', 'deploy', 'kizuna', 'review', 'coffee', 'tomorrow', 'release', 'bug', 'design', 'slim', 'group', 'photo', 'train', 'weekend', 'budget'];

const dir = tempDir('kizuna-bench-store-');
const key = new Uint8Array(randomBytes(32));
const open = (name: string): Promise<Engine> => Engine.open({ dataDir: `${dir.path}/${name}`, keyWrapper: createKeyFileWrapper(key) });
const alice = await open('alice');
const bob = await open('bob');
const carol = await open('carol');
alice.createIdentity({ displayName: 'alice' });
bob.createIdentity({ displayName: 'bob' });
carol.createIdentity({ displayName: 'carol' });
introduce(alice, bob, carol);
const g = (await alice.createGroup({ name: 'big', members: [userId(bob), userId(carol)], mode: 'sealed' })).groupId;
const net = new LoopbackNetwork();
net.add(alice, bob, carol);
await net.settle();
await bob.close();
await carol.close();

// Seed N messages straight into the store (the ingest benchmark measures the real path).
const groupId = new Uint8Array(Buffer.from(g, 'base64url'));
const sender = alice.selfId();
const t0 = Date.now() - N * 1000;
const seedStart = performance.now();
let word = 0;
for (let done = 0; done < N; ) {
  alice.store.transaction(() => {
    for (let i = 0; i < 20_000 && done < N; i++, done++) {
      const text = `${WORDS[word++ % WORDS.length]} ${WORDS[(done * 7) % WORDS.length]} message ${done}`;
      const row: MessageRow = {
        id: new Uint8Array(randomBytes(32)),
        groupId,
        sender,
        seq: done + 1,
        epoch: 0,
        sentAt: t0 + done * 1000,
        receivedAt: t0 + done * 1000,
        kind: 'text',
        body: text,
        replyTo: null,
        fileName: null,
        fileSize: null,
        fileMime: null,
        fileHash: null,
        sendState: 'read',
      };
      alice.store.write.messages.insert(row);
    }
  });
}
alice.store.write.groups.noteActivity(groupId, t0 + N * 1000, null, 0);
const seedSeconds = (performance.now() - seedStart) / 1000;

function timeIt(fn: () => unknown, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    out.push(performance.now() - s);
  }
  return out;
}

const newest = timeIt(() => alice.latestMessages(g, 50), 200);
let cursorPage = alice.latestMessages(g, 50);
const previous = timeIt(() => {
  const first = cursorPage.messages[0];
  if (first === undefined) return;
  cursorPage = alice.messagesBefore(g, { id: first.id, sentAt: first.sentAt }, 50);
}, 200);
const fts = timeIt(() => alice.search('deploy release', { groupId: g, limit: 50 }), 50);
await alice.close();

const cold: number[] = [];
for (let i = 0; i < 5; i++) {
  const s = performance.now();
  const e = await open('alice');
  e.listGroups();
  cold.push(performance.now() - s);
  await e.close();
}
dir.cleanup();

const row = (name: string, sample: number[], target: number): BenchRow => {
  const p50 = percentile(sample, 50);
  return { name, value: p50, unit: 'ms (p50)', target: `<= ${target} ms`, meetsTarget: p50 <= target, note: `p99 ${percentile(sample, 99).toFixed(2)} ms` };
};
report('store', [
  { name: 'messages in the group', value: N, unit: 'messages', note: `seeded in ${seedSeconds.toFixed(1)} s` },
  row('newest page of 50', newest, 5),
  row('previous-page step of 50', previous, 5),
  row('FTS query (2 words, newest 50)', fts, 50),
  row('cold open to group list', cold, 300),
]);
