/**
 * MLS layer benchmark (main/core/crypto/mls), at 10, 50 and 200 members, with ts-mls's default
 * crypto provider (WebCrypto) and Kizuna's native provider (node:crypto + libsodium) in the same run:
 *
 * - add one member: the admin creates the commit + welcome; another member processes the commit;
 * - remove one member: the admin creates the commit (update path); another member processes it;
 * - application message: encrypt at one member, decrypt at another (per message);
 * - state blob: size; serializeState after a commit and after each message (the engine persists after
 *   every operation; unchanged parts of a state are encoded once and reused); deserializeState.
 *
 * Each group is built once per size with the native provider (adds in batches of 50, one welcome for
 * the observing member); group states are provider-independent, so both providers then run the same
 * operations from the same starting states. Figures are medians, p95 in the note.
 *
 * Run: node --import tsx --expose-gc bench/mls.bench.ts   (or npm run bench -- mls)
 */
import sodium from 'libsodium-wrappers';
import { percentile, report, type BenchRow } from './lib/report.js';
import {
  addMembers,
  createGroup,
  decryptApplication,
  deserializeState,
  encryptApplication,
  generateKeyPackage,
  joinFromWelcome,
  loadMlsSuite,
  processCommit,
  removeMembers,
  rosterOf,
  serializeState,
  type MlsCommitPolicy,
  type MlsCryptoProviderName,
  type MlsGroupState,
  type MlsIdentity,
  type MlsSuite,
} from '../main/core/crypto/mls/index.js';

const SIZES = [10, 50, 200];
const PROVIDERS: MlsCryptoProviderName[] = ['webcrypto', 'native'];
const BATCH = 50;

interface Party {
  identity: MlsIdentity;
  state: MlsGroupState;
}

function newIdentity(): MlsIdentity {
  const pair = sodium.crypto_sign_keypair();
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

async function timed<T>(sample: number[], step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await step();
  sample.push(performance.now() - started);
  return result;
}

function row(name: string, sample: number[], unit: 'ms' | 'µs'): BenchRow {
  const scale = unit === 'ms' ? 1 : 1000;
  return {
    name,
    value: percentile(sample, 50) * scale,
    unit,
    note: `p95 ${(percentile(sample, 95) * scale).toFixed(unit === 'ms' ? 2 : 0)} ${unit}, n=${sample.length}`,
  };
}

/** Admin + observer in a group of `size` members, built with adds in batches. */
async function buildGroup(size: number, suite: MlsSuite): Promise<{ admin: Party; observer: Party; policy: MlsCommitPolicy; buildMs: number }> {
  const started = performance.now();
  const adminIdentity = newIdentity();
  const admin: Party = { identity: adminIdentity, state: await createGroup(sodium.randombytes_buf(32), adminIdentity, suite) };
  const policy: MlsCommitPolicy = { adminIdentity: adminIdentity.publicKey, isAllowed: () => true };
  let observer: Party | undefined;
  let remaining = size - 1;
  while (remaining > 0) {
    const count = Math.min(BATCH, remaining);
    const joiners = await Promise.all(
      Array.from({ length: count }, async () => {
        const identity = newIdentity();
        return { identity, kp: await generateKeyPackage(identity, { suite }) };
      }),
    );
    const add = await addMembers(
      admin.state,
      joiners.map((j) => j.kp.publicPackage),
      suite,
    );
    admin.state = add.state;
    if (observer === undefined) {
      const first = joiners[0]!;
      observer = { identity: first.identity, state: await joinFromWelcome(add.welcome, first.kp.privatePackage, first.kp.publicPackage, first.identity, policy, { suite }) };
    } else {
      observer.state = (await processCommit(observer.state, add.commit, policy, suite)).state;
    }
    remaining -= count;
  }
  if (observer === undefined) throw new Error('group too small');
  if (rosterOf(admin.state).length !== size) throw new Error('group has the wrong size');
  return { admin, observer, policy, buildMs: performance.now() - started };
}

async function measure(size: number, provider: MlsCryptoProviderName, start: { admin: Party; observer: Party; policy: MlsCommitPolicy }): Promise<BenchRow[]> {
  const suite = await loadMlsSuite(provider);
  const admin: Party = { identity: start.admin.identity, state: start.admin.state };
  const observer: Party = { identity: start.observer.identity, state: start.observer.state };
  const reps = size >= 200 ? 5 : size >= 50 ? 10 : 20;
  const tag = `n=${size} ${provider}`;

  const addCreate: number[] = [];
  const addProcess: number[] = [];
  const newcomers = await Promise.all(Array.from({ length: reps }, () => generateKeyPackage(newIdentity(), { suite })));
  let welcomeBytes = 0;
  let addCommitBytes = 0;
  for (const kp of newcomers) {
    const add = await timed(addCreate, () => addMembers(admin.state, [kp.publicPackage], suite));
    admin.state = add.state;
    welcomeBytes = add.welcome.length;
    addCommitBytes = add.commit.length;
    observer.state = (await timed(addProcess, () => processCommit(observer.state, add.commit, start.policy, suite))).state;
  }

  const removeCreate: number[] = [];
  const removeProcess: number[] = [];
  const serializeAfterCommit: number[] = [];
  let removeCommitBytes = 0;
  const victims = rosterOf(admin.state).filter((id) => !sameKey(id, admin.identity.publicKey) && !sameKey(id, observer.identity.publicKey));
  for (const victim of victims.slice(-reps)) {
    const removal = await timed(removeCreate, () => removeMembers(admin.state, [victim], suite));
    admin.state = removal.state;
    removeCommitBytes = removal.commit.length;
    observer.state = (await timed(removeProcess, () => processCommit(observer.state, removal.commit, start.policy, suite))).state;
    await timed(serializeAfterCommit, async () => serializeState(observer.state));
  }

  // Per message the engine persists the state it got back: serialize after every decrypt.
  const encrypt: number[] = [];
  const decrypt: number[] = [];
  const serializeAfterMessage: number[] = [];
  const plaintext = sodium.randombytes_buf(256);
  const aad = sodium.randombytes_buf(32);
  let blob: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < 200; i++) {
    const sent = await timed(encrypt, () => encryptApplication(observer.state, plaintext, aad, suite));
    observer.state = sent.state;
    admin.state = (await timed(decrypt, () => decryptApplication(admin.state, sent.ciphertext, suite))).state;
    blob = await timed(serializeAfterMessage, async () => serializeState(admin.state));
  }
  const deserialize: number[] = [];
  for (let i = 0; i < 10; i++) await timed(deserialize, async () => deserializeState(blob, admin.identity));

  return [
    { ...row(`add 1 member: create commit+welcome (${tag})`, addCreate, 'ms'), note: `${row('', addCreate, 'ms').note}; welcome ${welcomeBytes} B, commit ${addCommitBytes} B` },
    row(`add 1 member: process commit (${tag})`, addProcess, 'ms'),
    { ...row(`remove 1 member: create commit (${tag})`, removeCreate, 'ms'), note: `${row('', removeCreate, 'ms').note}; commit ${removeCommitBytes} B` },
    row(`remove 1 member: process commit (${tag})`, removeProcess, 'ms'),
    row(`serializeState after a commit (${tag})`, serializeAfterCommit, 'ms'),
    row(`app message encrypt, 256 B (${tag})`, encrypt, 'µs'),
    row(`app message decrypt, 256 B (${tag})`, decrypt, 'µs'),
    { name: `state blob size, admin (${tag})`, value: blob.length, unit: 'bytes' },
    row(`serializeState after a message, admin (${tag})`, serializeAfterMessage, 'µs'),
    row(`deserializeState, admin (${tag})`, deserialize, 'ms'),
  ];
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function main(): Promise<void> {
  await sodium.ready;
  const native = await loadMlsSuite('native');
  const rows: BenchRow[] = [];
  for (const size of SIZES) {
    const group = await buildGroup(size, native);
    rows.push({ name: `build group n=${size} (native, batches of ${BATCH})`, value: group.buildMs, unit: 'ms' });
    // Warm up both providers once on a copy, so the first measured operation pays no JIT/import cost.
    for (const provider of PROVIDERS) await measure(Math.min(size, 10), provider, group).catch(() => undefined);
    for (const provider of PROVIDERS) {
      rows.push(...(await measure(size, provider, group)));
      (globalThis as { gc?: () => void }).gc?.();
    }
  }
  report('mls', rows);
}

await main();
