import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { openEngineContext } from '../../../../main/core/engine/engine-open.js';
import { createKeyFileWrapper } from '../../../../main/core/crypto/local-key/key-file-wrapper.js';
import { applyDatabaseKey, databaseKeyPragmas } from '../../../../main/core/store/database-cipher.js';
import { CHUNKS, WAL_BOUND, useWalTestDatabases, walBytes } from '../../../helpers/wal-test-databases.js';

/**
 * Another connection's FULL checkpoint, on a thread of its own: it takes the checkpoint lock and waits (its busy
 * timeout) for the write lock the test holds. One that found the lock taken (by the test's probe) tries again.
 */
const HOLD_CHECKPOINT_LOCK = `
const { parentPort, workerData } = require('node:worker_threads');
const db = new (require(workerData.driver))(workerData.path);
for (const p of workerData.keyPragmas) db.pragma(p);
db.pragma('busy_timeout = 600000');
let row;
do row = db.pragma('wal_checkpoint(FULL)')[0]; while (row.busy !== 0);
db.close();
parentPort.postMessage(row);
`;

/** The checkpoint worker's idle sleep: it sleeps only on a WAL all copied, and the engine's next commit wakes it. */
describe('WAL checkpoints on a worker thread: sleeping while nothing is committed', () => {
  const dbs = useWalTestDatabases();
  const { writeChunk, insertRows } = dbs;

  it('sleeps while nothing is committed, checking not once, until the next noted commit wakes it', async () => {
    const d = dbs.database();
    const { db } = d;
    writeChunk(db, 1);
    const checkpoints = dbs.checkpointer(d, { checkEveryMs: 1, walBoundBytes: 64 * 1024 * 1024 });
    const reports: { log: number; checkpointed: number }[] = [];
    checkpoints.events.on('checkpoint', (r) => reports.push(r));
    // The WAL left before it started is copied at once; a millisecond without commits, and it sleeps.
    const slept = (await checkpoints.asleep()) ?? 0;
    expect(reports.some((r) => r.log > 0 && r.checkpointed === r.log)).toBe(true);
    const told = reports.length;
    // While a clock of events checks twenty times, a worker still polling at its 1 ms idle interval would check too.
    const clock = dbs.clock();
    const from = (await clock.checks()) ?? 0;
    for (let seen = from; seen < from + 20; seen = (await clock.checks()) ?? Number.POSITIVE_INFINITY);
    expect(await clock.checks()).toBeGreaterThanOrEqual(from + 20);
    expect(await checkpoints.checks()).toBe(slept);
    expect(reports).toHaveLength(told);
    // A commit wakes it: it checks at once and reports the commit, then sleeps again.
    insertRows(db, 1, 64);
    await once(checkpoints.events, 'checkpoint');
    expect(reports).toHaveLength(told + 1);
    expect(await checkpoints.asleep()).toBeGreaterThan(slept);
    // Stopping a sleeping worker ends it (its 'close' message still comes while it waits).
    await checkpoints.stop();
    expect(await checkpoints.checks()).toBeUndefined();
  });

  it('does not sleep on frames it could not copy: it looks again until the WAL is all copied', async () => {
    const { db, path, key, checkpoints } = await dbs.sleepingCheckpointer();
    // A reader holding a snapshot: a checkpoint cannot copy the frames written after it.
    const reader = dbs.connection(path, key);
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) AS n FROM filler').get();
    insertRows(db, 4, 1024);
    // Long past its 1 ms idle interval without a commit (twenty checks of a checkpointer that stays awake), it
    // still looks: a worker that slept now would leave those frames in the WAL until the next commit.
    const clock = dbs.clock();
    const from = (await clock.checks()) ?? 0;
    const mine = (await checkpoints.checks()) ?? 0;
    for (let seen = from; seen < from + 20; seen = (await clock.checks()) ?? Number.POSITIVE_INFINITY);
    expect(await checkpoints.checks()).toBeGreaterThan(mine);
    // The reader lets go: the rest is copied, and only then does it sleep.
    const all = new Promise<void>((resolve) => checkpoints.events.on('checkpoint', (r) => r.log > 0 && r.checkpointed === r.log && resolve()));
    reader.prepare('COMMIT').run();
    reader.close();
    await all;
    await checkpoints.asleep();
  });

  it('does not take a check that another checkpoint kept out for one that found the WAL all copied', async () => {
    const { path, key, checkpoints } = await dbs.sleepingCheckpointer();
    // The write lock held here, and another connection's checkpoint waiting for it with the checkpoint lock.
    const writer = dbs.connection(path, key);
    writer.prepare('BEGIN IMMEDIATE').run();
    const driver = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
    const holder = new Worker(HOLD_CHECKPOINT_LOCK, { eval: true, workerData: { driver, path, keyPragmas: databaseKeyPragmas(key) } });
    const done = once(holder, 'message');
    const probe = new Database(path);
    applyDatabaseKey(probe, key);
    const lockTaken = (): boolean => (probe.pragma('wal_checkpoint(PASSIVE)') as { busy: number }[])[0]!.busy === 1;
    while (!lockTaken()) await new Promise<void>((resolve) => setImmediate(resolve));
    probe.close();
    // Woken while the lock is held, every check comes back busy (-1 frames, -1 copied): five of them, and no sleep.
    const before = (await checkpoints.checks()) ?? 0;
    let slept = false;
    void (async () => {
      for (let n = before; n <= before; n = (await checkpoints.asleep()) ?? Number.POSITIVE_INFINITY);
      slept = true;
    })();
    checkpoints.noteCommit();
    for (let n = before; n < before + 5 && !slept; n = (await checkpoints.checks()) ?? Number.POSITIVE_INFINITY);
    expect(slept).toBe(false);
    // The lock is let go: the next check looks, finds the WAL all copied, and only then does it sleep.
    writer.prepare('ROLLBACK').run();
    writer.close();
    expect((await done)[0]).toMatchObject({ busy: 0 });
    expect(await checkpoints.asleep()).toBeGreaterThanOrEqual(before + 5);
  });

  it('sleeps after a burst that ended past the bound, leaving the rest to the engine’s next commit', async () => {
    const d = dbs.database();
    const { db, path, key } = d;
    const checkpoints = dbs.checkpointer(d, { checkEveryMs: 1, busyCheckEveryMs: 1, walBoundBytes: WAL_BOUND });
    await once(checkpoints.events, 'ready');
    // A reader holds a snapshot through a burst: neither the worker nor the engine's own checkpoint can copy the
    // frames written after it, so the burst ends past the bound with frames left to copy.
    const reader = dbs.connection(path, key);
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) AS n FROM filler').get();
    for (let n = 1; walBytes(path) <= WAL_BOUND && n <= CHUNKS; n++) writeChunk(db, n);
    expect(walBytes(path)).toBeGreaterThan(WAL_BOUND);
    reader.prepare('COMMIT').run();
    reader.close();
    // No commit for its idle interval: it sleeps without touching that WAL (before, it looked at it every idle
    // interval until the next write; copying it could hold up the WAL's start-over if the engine wrote meanwhile).
    const slept = (await checkpoints.asleep()) ?? 0;
    // The engine's next commit copies what was left (its automatic checkpoint is at the bound) and wakes the worker,
    // and the write after it starts the WAL over, cut back to its size limit (at most half the bound).
    insertRows(db, 1, 64);
    insertRows(db, 1, 64);
    expect(walBytes(path)).toBeLessThanOrEqual(WAL_BOUND / 2);
    expect(await checkpoints.asleep()).toBeGreaterThan(slept);
  });

  it('is woken by the engine’s own commits: the Store tells it after a write outside a transaction and after a transaction', async () => {
    const dataDir = dbs.tempDir('kizuna-wal-engine-');
    const { ctx, lock, checkpoints } = await openEngineContext({ dataDir, keyWrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))) });
    dbs.onCleanup(() => lock.release());
    dbs.track(ctx.store.db, checkpoints);
    const { store } = ctx;
    let slept = (await checkpoints.asleep()) ?? 0;
    for (const commit of [() => store.write.log.markSeen(randomBytes(16), 1), () => store.transaction(() => store.write.log.markSeen(randomBytes(16), 2))]) {
      const reported = once(checkpoints.events, 'checkpoint');
      commit();
      await reported;
      const again = (await checkpoints.asleep()) ?? 0;
      expect(again).toBeGreaterThan(slept);
      slept = again;
    }
  });
});
