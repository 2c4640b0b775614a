import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fillDisk, tryMount } from '../../../helpers/small-disk.js';
import { CHUNK_ROWS, CHUNKS, WAL_BOUND, useWalTestDatabases, walBytes } from '../../../helpers/wal-test-databases.js';

describe('WAL checkpoints on a worker thread', () => {
  const dbs = useWalTestDatabases();
  const { writeChunk, insertRows } = dbs;

  it('keeps the WAL bounded under sustained writes, the engine checkpointing only past the bound', async () => {
    const d = dbs.database();
    const { db, path } = d;
    const checkpoints = dbs.checkpointer(d, { checkEveryMs: 5, walBoundBytes: WAL_BOUND });
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
    const d = dbs.database();
    const { db, path } = d;
    const checkpoints = dbs.checkpointer(d, { checkEveryMs: 5, walBoundBytes: WAL_BOUND });
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
    const d = dbs.database();
    const { db } = d;
    // A WAL already holds a chunk when the worker starts: its first check copies it.
    writeChunk(db, 1);
    const idleEveryMs = 600_000;
    const checkpoints = dbs.checkpointer(d, { checkEveryMs: idleEveryMs, busyCheckEveryMs: 5, walBoundBytes: 64 * 1024 * 1024 });
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
    const d = dbs.database();
    const { db } = d;
    writeChunk(db, 1);
    // Awake (its idle interval is ten minutes), checking every millisecond.
    const checkpoints = dbs.checkpointer(d, { checkEveryMs: 600_000, busyCheckEveryMs: 1, walBoundBytes: 64 * 1024 * 1024 });
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

  it('control: with automatic checkpoints off and no worker, the same writes grow the WAL past the bound', () => {
    const { db, path } = dbs.database();
    db.pragma('wal_autocheckpoint = 0');
    for (let n = 1; n <= CHUNKS; n++) writeChunk(db, n);
    expect(walBytes(path)).toBeGreaterThan(8 * 1024 * 1024);
  });

  it('falls back to SQLite’s own checkpoints when the worker cannot open the database (a wrong key)', async () => {
    const d = dbs.database();
    const { db } = d;
    const checkpoints = dbs.checkpointer(d, { checkEveryMs: 5 }, randomBytes(32));
    const [reason] = (await once(checkpoints.events, 'fallback')) as [string];
    expect(reason).toMatch(/not a database|encrypted|file/i);
    expect(checkpoints.running).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // The engine's connection still reads and writes.
    writeChunk(db, 1);
    expect(db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: CHUNK_ROWS });
  });

  it('keeps trying on a full disk, SQLite standing in meanwhile, and checkpoints again once space is back', async (ctx) => {
    const disk = join(dbs.tempDir('kizuna-wal-disk-'), 'disk');
    mkdirSync(disk);
    // A real full filesystem (root, as in CI): SQLite's page limit would not stop the worker's own connection.
    if (!tryMount(disk, 2048)) return ctx.skip();
    dbs.mounted.push(disk);
    const d = dbs.database(disk);
    const { db } = d;
    const checkpoints = dbs.checkpointer(d, { checkEveryMs: 10, busyCheckEveryMs: 10, walBoundBytes: WAL_BOUND });
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
