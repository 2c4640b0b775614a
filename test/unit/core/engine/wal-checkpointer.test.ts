import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAtRestCipher } from '../../../../main/core/crypto/at-rest-cipher.js';
import { loadSodium } from '../../../../main/core/crypto/sodium.js';
import { WalCheckpointer } from '../../../../main/core/engine/wal-checkpointer.js';
import { openEngineContext } from '../../../../main/core/engine/engine-open.js';
import { createKeyFileWrapper } from '../../../../main/core/crypto/local-key/key-file-wrapper.js';
import { openDatabase, type SqliteDatabase } from '../../../../main/core/store/database.js';
import { applyDatabaseKey, databaseKeyPragmas } from '../../../../main/core/store/database-cipher.js';
import { tempDir } from '../../../helpers/test-engines.js';
import { fillDisk, tryMount, unmount } from '../../../helpers/small-disk.js';

const CHUNK_ROWS = 64;
const ROW_BYTES = 4096;
/** 64 chunks of 256 KiB: 16 MiB written in all. */
const CHUNKS = 64;
const WAL_BOUND = 1024 * 1024;

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

const walBytes = (path: string): number => {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
};

describe('WAL checkpoints on a worker thread', () => {
  const dirs: { cleanup(): void }[] = [];
  const open: { db: SqliteDatabase; checkpoints?: WalCheckpointer }[] = [];
  beforeAll(async () => {
    await loadSodium();
  });
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.checkpoints?.stop();
      if (o.db.open) o.db.close();
    }
    for (const m of mounted.splice(0)) unmount(m);
    for (const d of dirs.splice(0)) d.cleanup();
  });
  const mounted: string[] = [];

  /** A database in a fresh folder, or in `at` (a small disk a test mounted). */
  function database(at?: string): { db: SqliteDatabase; path: string; key: Uint8Array } {
    const dir = tempDir('kizuna-wal-');
    dirs.push(dir);
    const local = randomBytes(32);
    const key = randomBytes(32);
    const path = join(at ?? dir.path, 'kizuna.db');
    const db = openDatabase(path, createAtRestCipher(local), key);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    open.push({ db });
    return { db, path, key };
  }

  /** A fresh database's checkpointer with a 1 ms idle interval (and a bound out of the way), once it sleeps. */
  async function sleepingCheckpointer(): Promise<{ db: SqliteDatabase; path: string; key: Uint8Array; checkpoints: WalCheckpointer }> {
    const { db, path, key } = database();
    const checkpoints = new WalCheckpointer(db, path, key, { checkEveryMs: 1, walBoundBytes: 64 * 1024 * 1024 });
    open[0]!.checkpoints = checkpoints;
    await checkpoints.asleep();
    return { db, path, key, checkpoints };
  }

  /** Another connection to the database, with its page key. */
  function connection(path: string, key: Uint8Array): SqliteDatabase {
    const other = new Database(path);
    applyDatabaseKey(other, key);
    return other;
  }

  /** Tells the database's checkpointer (if one runs) of a commit, as the Store does after each of its commits. */
  function noteCommit(db: SqliteDatabase): void {
    open.find((o) => o.db === db)?.checkpoints?.noteCommit();
  }

  /** `n` rows of `bytes` random bytes each, in one commit. */
  function insertRows(db: SqliteDatabase, n: number, bytes = ROW_BYTES): void {
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(randomBytes(bytes));
    })();
    noteCommit(db);
  }

  function writeChunk(db: SqliteDatabase, n: number): void {
    insertRows(db, CHUNK_ROWS);
    // Old rows go, so the database stays small and the WAL is what grows.
    db.prepare('DELETE FROM filler WHERE id <= ?').run((n - 1) * CHUNK_ROWS);
    noteCommit(db);
  }

  it('keeps the WAL bounded under sustained writes, the engine checkpointing only past the bound', async () => {
    const { db, path, key } = database();
    const checkpoints = new WalCheckpointer(db, path, key, { checkEveryMs: 5, walBoundBytes: WAL_BOUND });
    open[0]!.checkpoints = checkpoints;
    await once(checkpoints.events, 'ready');
    expect(checkpoints.running).toBe(true);
    // The engine's own checkpoint waits for the bound (1 MiB of 4 KiB pages), not SQLite's 1,000 pages.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_BOUND / 4096);

    // Progress the worker reported (a checkpoint).
    let progress = 0;
    let seen = 0;
    checkpoints.events.on('checkpoint', () => {
      progress += 1;
    });
    let largest = 0;
    for (let n = 1; n <= CHUNKS; n++) {
      writeChunk(db, n);
      largest = Math.max(largest, walBytes(path));
      // As the engine does between turns: the loop turns (the worker's reports arrive).
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Every 1 MiB, wait for progress since the last wait (an event, not a delay): a loaded machine
      // may slow the worker, but the writer cannot outrun it by more than that.
      // Past the bound the engine's own commit has checkpointed instead, and the worker stays out until the next
      // write starts the WAL over: nothing to wait for then (waiting for the worker there hung under load).
      if (n % 4 === 0) {
        while (progress === seen && walBytes(path) <= WAL_BOUND) await once(checkpoints.events, 'checkpoint');
        seen = progress;
      }
    }
    // Without checkpoints the WAL would hold all 16 MiB (the control below); bounded, it holds a few.
    expect(largest).toBeLessThan(8 * 1024 * 1024);

    writeChunk(db, CHUNKS + 1);
    // Nothing was lost on the way: the newest chunk is there, and every row id was used once.
    expect(db.prepare('SELECT count(*) AS n, max(id) AS top FROM filler').get()).toEqual({ n: CHUNK_ROWS, top: (CHUNKS + 1) * CHUNK_ROWS });
  });

  it('keeps the WAL bounded under writes from a loop that never yields to the event loop', async () => {
    // A bot awaiting sendText in a loop: its promises settle as microtasks, so no message from the worker
    // and no setImmediate runs until the loop ends. The bound must hold inside the commits themselves.
    const { db, path, key } = database();
    const checkpoints = new WalCheckpointer(db, path, key, { checkEveryMs: 5, walBoundBytes: WAL_BOUND });
    open[0]!.checkpoints = checkpoints;
    await once(checkpoints.events, 'ready');
    let largest = 0;
    for (let n = 1; n <= CHUNKS; n++) {
      writeChunk(db, n);
      largest = Math.max(largest, walBytes(path));
    }
    // The control below grows past 8 MiB with the same writes.
    expect(largest).toBeLessThan(8 * 1024 * 1024);
    expect(db.prepare('SELECT count(*) AS n, max(id) AS top FROM filler').get()).toEqual({ n: CHUNK_ROWS, top: CHUNKS * CHUNK_ROWS });
  });

  it('checks again soon while writes go on, not at its idle interval', async () => {
    const { db, path, key } = database();
    // A WAL already holds a chunk when the worker starts: its first check copies it.
    writeChunk(db, 1);
    const idleEveryMs = 600_000;
    const checkpoints = new WalCheckpointer(db, path, key, { checkEveryMs: idleEveryMs, busyCheckEveryMs: 5, walBoundBytes: 64 * 1024 * 1024 });
    open[0]!.checkpoints = checkpoints;
    const reports: { checkpointed: number }[] = [];
    checkpoints.events.on('checkpoint', (r) => reports.push(r));
    await once(checkpoints.events, 'checkpoint');
    // The engine keeps committing (a small row a turn, as a busy inbox does).
    // Each checkpoint after the first comes only from the busy interval: the idle one is ten minutes away.
    let rows = 0;
    const commitUntil = async (count: number) => {
      while (reports.length < count) {
        insertRows(db, 1, 64);
        rows += 1;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    await commitUntil(2);
    // The writer is held up past the busy interval (a loaded machine): checks find no new commit. The worker
    // stays busy within an idle interval of the last commit; dropping to its idle interval here hung CI.
    const before = (await checkpoints.checks()) ?? 0;
    while (((await checkpoints.checks()) ?? 0) < before + 3) await new Promise<void>((resolve) => setImmediate(resolve));
    await commitUntil(4);
    expect(reports.every((r) => r.checkpointed > 0)).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: CHUNK_ROWS + rows });
  });

  it('does not wake an idle engine: once its WAL is all copied, checks report nothing until the next commit', async () => {
    const { db, path, key } = database();
    writeChunk(db, 1);
    // Awake (its idle interval is ten minutes), checking every millisecond.
    const checkpoints = new WalCheckpointer(db, path, key, { checkEveryMs: 600_000, busyCheckEveryMs: 1, walBoundBytes: 64 * 1024 * 1024 });
    open[0]!.checkpoints = checkpoints;
    const reports: { log: number; checkpointed: number }[] = [];
    checkpoints.events.on('checkpoint', (r) => reports.push(r));
    // The chunk written before the worker started is copied whole.
    while (!reports.some((r) => r.log > 0 && r.checkpointed === r.log)) await once(checkpoints.events, 'checkpoint');
    const told = reports.length;
    // Fifty more checks of an idle engine, counted by the worker itself: not one of them is reported.
    const from = (await checkpoints.checks()) ?? 0;
    for (let seen = from; seen < from + 50; seen = (await checkpoints.checks()) ?? Number.POSITIVE_INFINITY);
    expect(await checkpoints.checks()).toBeGreaterThanOrEqual(from + 50);
    expect(reports).toHaveLength(told);
    // The next commit is reported at the next check.
    insertRows(db, 1, 64);
    await once(checkpoints.events, 'checkpoint');
    expect(reports.length).toBe(told + 1);
  });

  it('sleeps while nothing is committed, checking not once, until the next noted commit wakes it', async () => {
    const { db, path, key } = database();
    writeChunk(db, 1);
    const checkpoints = new WalCheckpointer(db, path, key, { checkEveryMs: 1, walBoundBytes: 64 * 1024 * 1024 });
    open[0]!.checkpoints = checkpoints;
    const reports: { log: number; checkpointed: number }[] = [];
    checkpoints.events.on('checkpoint', (r) => reports.push(r));
    // The WAL left before it started is copied at once; a millisecond without commits, and it sleeps.
    const slept = (await checkpoints.asleep()) ?? 0;
    expect(reports.some((r) => r.log > 0 && r.checkpointed === r.log)).toBe(true);
    const told = reports.length;
    // A clock made of events: a second checkpointer that stays awake (a ten-minute idle interval) checks every
    // millisecond. While it checks twenty times, a worker still polling at its 1 ms idle interval would check too.
    const other = database();
    const clock = new WalCheckpointer(other.db, other.path, other.key, { checkEveryMs: 600_000, busyCheckEveryMs: 1 });
    open[1]!.checkpoints = clock;
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
    const { db, path, key, checkpoints } = await sleepingCheckpointer();
    // A reader holding a snapshot: a checkpoint cannot copy the frames written after it.
    const reader = connection(path, key);
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) AS n FROM filler').get();
    insertRows(db, 4, 1024);
    // Long past its 1 ms idle interval without a commit (twenty checks of a checkpointer that stays awake), it
    // still looks: a worker that slept now would leave those frames in the WAL until the next commit.
    const other = database();
    const clock = new WalCheckpointer(other.db, other.path, other.key, { checkEveryMs: 600_000, busyCheckEveryMs: 1 });
    open[1]!.checkpoints = clock;
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
    const { path, key, checkpoints } = await sleepingCheckpointer();
    // The write lock held here, and another connection's checkpoint waiting for it with the checkpoint lock.
    const writer = connection(path, key);
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

  it('is woken by the engine’s own commits: the Store tells it after a write outside a transaction and after a transaction', async () => {
    const dir = tempDir('kizuna-wal-engine-');
    dirs.push(dir);
    const { ctx, lock, checkpoints } = await openEngineContext({ dataDir: dir.path, keyWrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))) });
    dirs.push({ cleanup: () => lock.release() });
    open.push({ db: ctx.store.db, checkpoints });
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

  it('control: with automatic checkpoints off and no worker, the same writes grow the WAL past the bound', () => {
    const { db, path } = database();
    db.pragma('wal_autocheckpoint = 0');
    for (let n = 1; n <= CHUNKS; n++) writeChunk(db, n);
    expect(walBytes(path)).toBeGreaterThan(8 * 1024 * 1024);
  });

  it('falls back to SQLite’s own checkpoints when the worker cannot open the database (a wrong key)', async () => {
    const { db, path } = database();
    const checkpoints = new WalCheckpointer(db, path, randomBytes(32), { checkEveryMs: 5 });
    open[0]!.checkpoints = checkpoints;
    const [reason] = (await once(checkpoints.events, 'fallback')) as [string];
    expect(reason).toMatch(/not a database|encrypted|file/i);
    expect(checkpoints.running).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // The engine's connection still reads and writes.
    writeChunk(db, 1);
    expect(db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: CHUNK_ROWS });
  });

  it('keeps trying on a full disk, SQLite standing in meanwhile, and checkpoints again once space is back', async (ctx) => {
    const holder = tempDir('kizuna-wal-disk-');
    dirs.push(holder);
    const disk = join(holder.path, 'disk');
    mkdirSync(disk);
    // A real full filesystem (root, as in CI): SQLite's page limit would not stop the worker's own connection.
    if (!tryMount(disk, 2048)) return ctx.skip();
    mounted.push(disk);
    const { db, path, key } = database(disk);
    const checkpoints = new WalCheckpointer(db, path, key, { checkEveryMs: 10, busyCheckEveryMs: 10, walBoundBytes: WAL_BOUND });
    open[0]!.checkpoints = checkpoints;
    await once(checkpoints.events, 'ready');
    const rows = (n: number): void => insertRows(db, n);
    // A first batch gives the WAL file its size. Copied into the database file here (the worker's reports can
    // lag behind the writes), the WAL starts over at the next write, cut back to its size limit; then the disk fills.
    rows(CHUNK_ROWS);
    const copiedAll = (): boolean => {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      return r !== undefined && r.busy === 0 && r.log === r.checkpointed;
    };
    while (!copiedAll()); // busy only while the worker's own check holds the lock
    rows(1);
    const filler = fillDisk(disk);
    // Fewer rows than the first batch: they fit in the WAL file as it is, but the database file must grow to take them.
    // Without the stall the worker would stop for good: say so at once rather than at the test's timeout.
    const stalled = Promise.race([
      once(checkpoints.events, 'stalled'),
      once(checkpoints.events, 'fallback').then(([why]) => Promise.reject(new Error(`the worker stopped: ${String(why)}`))),
    ]);
    rows(CHUNK_ROWS / 4);
    const [reason] = (await stalled) as [string];
    expect(reason).toMatch(/full/i);
    expect(checkpoints.running).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);

    const resumed = once(checkpoints.events, 'resumed');
    rmSync(filler);
    await resumed;
    expect(checkpoints.running).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_BOUND / 4096);
    // Nothing written while the disk was full was lost.
    expect(db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: CHUNK_ROWS + 1 + CHUNK_ROWS / 4 });
  });
});
