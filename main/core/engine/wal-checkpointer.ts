import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import type { SqliteDatabase } from '../store/database.js';
import { databaseKeyPragmas } from '../store/database-cipher.js';

/**
 * Moves SQLite's WAL checkpoints off the engine's thread (issue 13). With SQLite's automatic
 * checkpoint, every thousandth page written made one commit copy the whole WAL into the database
 * file (decrypting and re-encrypting each page) while a message waited on it: a send's p90 went
 * from ~2.5–5 ms to ~9 ms. Here a worker thread (the second core) holds its own connection to the
 * same file and runs PASSIVE checkpoints, which never block the engine's reads or writes; the WAL
 * starts over from its beginning at the engine's next write once a checkpoint has caught up.
 *
 * The WAL stays bounded without the worker's help: the engine's own automatic checkpoint stays on,
 * at the bound instead of SQLite's 1,000 pages. Under writes so sustained that the worker never
 * catches up, the commit that takes the WAL past the bound checkpoints on the engine's thread (by
 * then the worker has copied almost everything, so it is short), and the next write starts the WAL
 * over. This happens inside the commit itself, so it holds even for a caller that writes in a loop
 * that never yields to the event loop (a bot awaiting `sendText` in a loop: its promises settle as
 * microtasks, so a message from the worker or a setImmediate would only run after the loop; the WAL
 * grew to 700 MB that way). `journal_size_limit` gives the file back after a burst.
 *
 * Correctness never depends on the worker: SQLite's usual checkpoint interval is lengthened only once
 * it has opened the database with the right key, and restored if it fails or stops. A full disk (the
 * database file cannot grow to take the WAL's pages) stalls the worker instead of stopping it: SQLite's
 * usual interval stands in, and the worker takes over again after its first checkpoint once space is back.
 *
 * An idle engine does not wake the worker at all: once it has seen no commit for an idle interval, the worker
 * sleeps on a counter shared with the engine's thread (Atomics.waitAsync, so its messages still come) instead of
 * looking at the WAL five times a second forever. The Store tells `noteCommit()` after each commit; that costs
 * an Atomics.add, and an Atomics.notify only while the worker sleeps. A commit nobody noted (a write outside the
 * Store) is still seen by `data_version` while the worker is awake; while it sleeps, that WAL waits for the next
 * noted commit, and the engine's own checkpoint at the bound keeps it bounded meanwhile. On a full disk the worker
 * keeps looking at the idle interval (nothing tells it that space came back).
 */

/**
 * The idle interval: a worker that has seen no commit for this long sleeps until the engine notes its next one
 * (and on a full disk it tries again this often).
 */
const CHECK_EVERY_MS = 200;
/**
 * Checks this soon while writes are going on (a commit within the last idle interval). At 200 ms a sustained
 * burst outran the worker (the peer flood writes ~19 MB of WAL a second, each page encrypted for the WAL and
 * again for the database file), so the WAL reached the bound and the engine's own commits checkpointed
 * on its thread, 25–48 ms each, ~70 times in one flood; at 50 ms, 11–26 times.
 */
const BUSY_CHECK_EVERY_MS = 50;
/** Beyond this much WAL the engine's own commit checkpoints (bytes). */
const WAL_BOUND_BYTES = 16 * 1024 * 1024;
/** What the WAL file is cut back to when it starts over (bytes; at most half the bound). */
const JOURNAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;
/** SQLite's default, restored whenever the worker is not there. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** The Int32 slots shared with the worker: the commits the engine noted, and 1 while the worker sleeps on them. */
const NOTED_COMMITS = 0;
const WORKER_ASLEEP = 1;

export interface WalCheckpointerOptions {
  /** The idle interval (CHECK_EVERY_MS): no commit for this long, and the worker sleeps until the next. */
  checkEveryMs?: number;
  /** How soon it checks again while the engine is writing (at most `checkEveryMs`). */
  busyCheckEveryMs?: number;
  /** The WAL size (bytes) past which the engine's own commit checkpoints. */
  walBoundBytes?: number;
}

export interface CheckpointReport {
  /** Frames in the WAL and frames now copied into the database file. */
  log: number;
  checkpointed: number;
  /** What the WAL holds (its frames; the file may be larger, it is reused from its start). */
  walBytes: number;
}

interface CheckpointerEvents {
  ready: [];
  checkpoint: [CheckpointReport];
  /** The worker stopped or failed: SQLite's own checkpoints are back at their usual interval. */
  fallback: [reason: string];
  /** The disk is full: the worker cannot copy pages now and keeps trying; SQLite's own checkpoints stand in. */
  stalled: [reason: string];
  /** A checkpoint went through again after a full disk: the worker checkpoints again. */
  resumed: [];
}

/** What a test asks the worker: its check count now, or once it sleeps. */
type Question = 'checks' | 'asleep';

type WorkerMessage =
  | { kind: 'ready' }
  | ({ kind: 'checkpoint' } & CheckpointReport)
  | { kind: 'stalled'; message: string }
  | { kind: 'resumed' }
  | { kind: 'checks'; checks: number }
  | { kind: 'asleep'; checks: number }
  | { kind: 'error'; message: string };

/**
 * Runs inside the worker. Plain CommonJS evaluated from a string (`eval: true`), so that it needs no
 * file of its own: it starts the same from TypeScript sources, from the compiled tree and from a bundle.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  for (const p of workerData.keyPragmas) db.pragma(p);
  db.pragma('cache_size = -2000');
  db.pragma('busy_timeout = 0');
  // Reads page 1: a wrong key fails here, before this connection copies a single page.
  db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') throw new Error('not in WAL mode');
} catch (err) {
  parentPort.postMessage({ kind: 'error', message: String(err && err.message || err) });
  process.exit(0);
}
parentPort.postMessage({ kind: 'ready' });
// A WAL frame is a page and its 24-byte header; the file itself keeps its largest size (up to journal_size_limit).
const frameBytes = Number(db.pragma('page_size', { simple: true })) + 24;
const walFileBytes = () => {
  try { return statSync(workerData.path + '-wal').size; } catch { return 0; }
};
// Whether the engine is writing: it committed (SQLite's data_version moves with every other connection's
// commit, and the engine counts its commits in signal) within the last idle interval, so look again soon.
// A window, not "since the check before": a writer whose thread was held up longer than the busy interval
// (a loaded machine) would otherwise send the worker to sleep in the middle of its writes. Timed on the monotonic
// clock: a wall clock set back would keep the worker at its busy interval for as long as the jump.
const now = () => performance.now();
const signal = new Int32Array(workerData.signal);
let noted = Atomics.load(signal, ${NOTED_COMMITS});
let lastVersion = -1;
let lastCommitAt = -Infinity;
// Whether the last check failed on a full disk (told once, until a checkpoint goes through again).
let stalled = false;
// What the last report said (its frames and frames copied): an idle engine is not told the same again.
let reported = '';
// Checks so far (a test asks for it instead of waiting for time to pass).
let checks = 0;
// Whether the last check found every frame of the WAL copied (none left behind a lock or a reader).
let caughtUp = false;
// Whether the last check found the WAL file past the bound (then it did not look at it).
let pastBound = false;
const check = () => {
  checks += 1;
  caughtUp = false;
  // Counted even when this check cannot look at the WAL (past the bound, the lock busy): a worker woken by a
  // commit stays awake for an idle interval.
  const seen = Atomics.load(signal, ${NOTED_COMMITS});
  if (seen !== noted) {
    noted = seen;
    lastCommitAt = now();
  }
  // Past the bound the engine's own commit checkpoints. This connection stays out of its way until the
  // WAL has started over (its file is then cut back below the bound): while it copies pages it holds
  // the lock a new reader needs to start the WAL over, so under sustained writes it would keep the WAL growing.
  // (Also after the writes stop: a writer held up longer than an idle interval would meet the same lock.)
  pastBound = walFileBytes() > workerData.boundBytes;
  if (pastBound) return;
  try {
    const version = db.pragma('data_version', { simple: true });
    const row = db.pragma('wal_checkpoint(PASSIVE)')[0];
    const committed = version !== lastVersion;
    lastVersion = version;
    // Not when another connection's checkpoint held the lock (busy, its counts -1 and -1): this check did not look.
    caughtUp = row.busy === 0 && row.log === row.checkpointed;
    if (committed) lastCommitAt = now();
    if (stalled) {
      stalled = false;
      parentPort.postMessage({ kind: 'resumed' });
    }
    // Reported after a commit or when more was copied; an idle engine's thread is not woken every check
    // to hear that its WAL is still all copied.
    const state = row.log + '/' + row.checkpointed;
    if (row.checkpointed > 0 && (committed || state !== reported)) {
      reported = state;
      parentPort.postMessage({ kind: 'checkpoint', log: row.log, checkpointed: row.checkpointed, walBytes: Math.max(0, row.log) * frameBytes });
    }
  } catch (err) {
    // The engine's own checkpoint holds the lock a moment: the next tick tries again.
    if (/busy|locked/i.test(String(err && err.message))) return;
    // A full disk: the database file cannot grow to take the WAL's pages. Not for good: look again at the
    // idle interval (the engine's own checkpoints keep the WAL bounded meanwhile), and resume once space is back.
    if (err && err.code === 'SQLITE_FULL') {
      if (!stalled) parentPort.postMessage({ kind: 'stalled', message: String(err.message) });
      stalled = true;
      return;
    }
    stopped = true;
    parentPort.postMessage({ kind: 'error', message: String(err && err.message || err) });
    try { db.close(); } catch {}
    process.exit(0);
  }
};
let stopped = false;
let timer;
let asleep = false;
// A test's requests to hear when this worker sleeps: answered then, or at once if it sleeps now.
let askedAsleep = 0;
const answerAsleep = () => {
  for (; askedAsleep > 0; askedAsleep -= 1) parentPort.postMessage({ kind: 'asleep', checks });
};
// No commit for an idle interval: no timer at all until the engine notes its next one. The flag asks the engine
// to notify; set before waiting, so a commit counted after the last check either makes the wait return at once
// ('not-equal') or sees the flag and notifies.
const sleep = () => {
  Atomics.store(signal, ${WORKER_ASLEEP}, 1);
  const wait = Atomics.waitAsync(signal, ${NOTED_COMMITS}, noted);
  asleep = wait.async;
  if (asleep) answerAsleep();
  Promise.resolve(wait.value).then(() => {
    asleep = false;
    Atomics.store(signal, ${WORKER_ASLEEP}, 0);
    if (!stopped) tick();
  });
};
const tick = () => {
  check();
  if (stopped) return;
  if (stalled) timer = setTimeout(tick, workerData.everyMs);
  else if (now() - lastCommitAt < workerData.everyMs) timer = setTimeout(tick, Math.min(workerData.busyEveryMs, workerData.everyMs));
  // Frames still to copy (a reader held them back, the lock was busy): looked at again at the idle interval; only
  // a WAL all copied is slept on, so the last commit of a burst is never left in it. Except past the bound: there
  // the engine's own next commit checkpoints (its automatic checkpoint is at the bound) and the WAL starts over at
  // the write after it, so nothing is gained by looking until then, and the file stays as large either way.
  else if (!caughtUp && !pastBound) timer = setTimeout(tick, workerData.everyMs);
  else sleep();
};
// At once: a WAL left by the last run (or written while this started) is copied without waiting.
timer = setTimeout(tick, 0);
parentPort.on('message', (m) => {
  if (m === 'checks') parentPort.postMessage({ kind: 'checks', checks });
  if (m === 'asleep') {
    askedAsleep += 1;
    if (asleep) answerAsleep();
  }
  if (m !== 'close') return;
  stopped = true;
  clearTimeout(timer);
  try { db.close(); } catch {}
  process.exit(0);
});
`;

export class WalCheckpointer {
  readonly events = new EventEmitter<CheckpointerEvents>();
  private readonly worker: Worker | undefined;
  private readonly exited: Promise<void>;
  /** The engine's automatic checkpoint interval while the worker runs: the bound, in pages. */
  private readonly boundPages: number;
  private active = false;
  private stopped = false;
  private fellBack = false;
  /** Answers to checks() and asleep(), each in the order asked. */
  private readonly answers: Record<Question, ((checks: number | undefined) => void)[]> = { checks: [], asleep: [] };
  /** Shared with the worker: the slots NOTED_COMMITS and WORKER_ASLEEP. */
  private readonly signal = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));

  /** `path` is the database file (not ':memory:'), `databaseKey` the page key the engine's connection uses. */
  constructor(
    private readonly db: SqliteDatabase,
    path: string,
    databaseKey: Uint8Array,
    options: WalCheckpointerOptions = {},
  ) {
    const boundBytes = options.walBoundBytes ?? WAL_BOUND_BYTES;
    // Below the bound, so that a WAL started over is cut back under it (the worker waits for that).
    db.pragma(`journal_size_limit = ${Math.min(JOURNAL_SIZE_LIMIT_BYTES, Math.floor(boundBytes / 2))}`);
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    this.boundPages = Math.max(1, Math.floor(boundBytes / pageSize));
    let worker: Worker | undefined;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: {
          driver: createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers'),
          path,
          keyPragmas: databaseKeyPragmas(databaseKey),
          everyMs: options.checkEveryMs ?? CHECK_EVERY_MS,
          busyEveryMs: options.busyCheckEveryMs ?? BUSY_CHECK_EVERY_MS,
          boundBytes,
          signal: this.signal.buffer,
        },
      });
    } catch (err) {
      worker = undefined;
      queueMicrotask(() => this.fallback(`the checkpoint worker did not start: ${String(err)}`));
    }
    this.worker = worker;
    if (worker === undefined) {
      this.exited = Promise.resolve();
      return;
    }
    // The engine's process must not stay alive for its checkpoints.
    worker.unref();
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (err) => this.fallback(`the checkpoint worker failed: ${err.message}`));
    worker.on('exit', () => {
      for (const queue of Object.values(this.answers)) for (const answer of queue.splice(0)) answer(undefined);
      if (!this.stopped) this.fallback('the checkpoint worker stopped');
    });
  }

  /** Whether checkpoints run on the worker now (the engine's own ones only past the bound). */
  get running(): boolean {
    return this.active;
  }

  /**
   * Called after each commit on the engine's connection (the Store's onCommit), on its thread: counts the
   * commit, and wakes the worker only if it sleeps. An arrow, so that it can be handed over as it is.
   */
  readonly noteCommit = (): void => {
    Atomics.add(this.signal, NOTED_COMMITS, 1);
    if (Atomics.load(this.signal, WORKER_ASLEEP) === 1) Atomics.notify(this.signal, NOTED_COMMITS);
  };

  /** How many times the worker has looked at the WAL so far; undefined once it is gone (tests count checks, not time). */
  checks(): Promise<number | undefined> {
    return this.ask('checks');
  }

  /** Resolves once the worker sleeps until the next commit (at once if it does now), with its check count then. */
  asleep(): Promise<number | undefined> {
    return this.ask('asleep');
  }

  private ask(question: Question): Promise<number | undefined> {
    if (this.worker === undefined || this.stopped || this.fellBack) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.answers[question].push(resolve);
      this.worker?.postMessage(question);
    });
  }

  private onMessage(m: WorkerMessage): void {
    if (m.kind === 'checks' || m.kind === 'asleep') {
      this.answers[m.kind].shift()?.(m.checks);
      return;
    }
    if (this.stopped) return;
    if (m.kind === 'error') {
      this.fallback(m.message);
      return;
    }
    if (m.kind === 'ready' || m.kind === 'resumed') {
      if (!this.db.open) return;
      this.db.pragma(`wal_autocheckpoint = ${this.boundPages}`);
      this.active = true;
      this.events.emit(m.kind);
      return;
    }
    if (m.kind === 'stalled') {
      this.sqliteCheckpointsBack();
      this.events.emit('stalled', m.message);
      return;
    }
    this.events.emit('checkpoint', { log: m.log, checkpointed: m.checkpointed, walBytes: m.walBytes });
  }

  private fallback(reason: string): void {
    if (this.stopped || this.fellBack) return;
    this.fellBack = true;
    this.sqliteCheckpointsBack();
    this.events.emit('fallback', reason);
  }

  /** SQLite's own checkpoints at their usual interval: the worker is not checkpointing (for now or for good). */
  private sqliteCheckpointsBack(): void {
    this.active = false;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  }

  /** Stops the worker (before the engine's connection closes: that one then checkpoints last). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.active = false;
    // Referenced again while we wait: an unreferenced worker's exit does not keep the loop alive, so a
    // process that closes right after opening (a CLI command) would end with its close still awaiting.
    this.worker?.ref();
    this.worker?.postMessage('close');
    await this.exited;
    this.sqliteCheckpointsBack();
  }
}
