import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import type { SqliteDatabase } from '../store/database.js';

/**
 * Moves SQLite's WAL checkpoints off the engine's thread (issue 13). With SQLite's automatic
 * checkpoint, every thousandth page written made one commit copy the whole WAL into the database
 * file (decrypting and re-encrypting each page) while a message waited on it: a send's p90 went
 * from ~2.5–5 ms to ~9 ms. Here a worker thread (the second core) holds its own connection to the
 * same file and runs PASSIVE checkpoints, which never block the engine's reads or writes; the WAL
 * starts over from its beginning at the engine's next write once a checkpoint has caught up.
 *
 * The WAL stays bounded: under writes so sustained that a PASSIVE checkpoint never catches up, the
 * worker reports the size and the engine runs one RESTART checkpoint itself, between transactions
 * (by then the worker has copied almost everything, so it is short). `journal_size_limit` gives the
 * file back after a burst.
 *
 * Correctness never depends on the worker: automatic checkpoints are switched off only once it has
 * opened the database with the right key, and switched back on if it fails or stops.
 */

/** Checks this often (the WAL then holds at most what the engine wrote in that time, when idle gaps exist). */
const CHECK_EVERY_MS = 200;
/** Beyond this much WAL the engine restarts it itself (bytes). */
const RESTART_ABOVE_BYTES = 16 * 1024 * 1024;
/** What the WAL file is cut back to when it starts over (bytes). */
const JOURNAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;
/** SQLite's default, restored whenever the worker is not there. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export interface WalCheckpointerOptions {
  checkEveryMs?: number;
  restartAboveBytes?: number;
}

export interface CheckpointReport {
  /** Frames in the WAL and frames now copied into the database file (-1: none copied, the WAL is over its bound). */
  log: number;
  checkpointed: number;
  /** What the WAL holds (its frames; the file may be larger, it is reused from its start). */
  walBytes: number;
}

interface CheckpointerEvents {
  ready: [];
  checkpoint: [CheckpointReport];
  restart: [];
  /** The worker stopped or failed: SQLite's own checkpoints are back on. */
  fallback: [reason: string];
}

type WorkerMessage = { kind: 'ready' } | ({ kind: 'checkpoint' } & CheckpointReport) | { kind: 'error'; message: string };

/**
 * Runs inside the worker. Plain CommonJS evaluated from a string (`eval: true`), so that it needs no
 * file of its own: it starts the same from TypeScript sources, from the compiled tree and from a bundle.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma("cipher = 'chacha20'");
  db.pragma('kdf_iter = 1');
  db.pragma("hexkey = '" + workerData.hexKey + "'");
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
let paused = false;
const timer = setInterval(() => {
  if (paused) return;
  try {
    const row = db.pragma('wal_checkpoint(PASSIVE)')[0];
    const walBytes = Math.max(0, row.log) * frameBytes;
    if (walBytes > workerData.restartAboveBytes) {
      // Over the bound: the engine restarts the WAL itself; this connection stays out of its way until it has.
      paused = true;
      parentPort.postMessage({ kind: 'checkpoint', log: row.log, checkpointed: row.checkpointed, walBytes });
    } else if (row.checkpointed > 0) {
      parentPort.postMessage({ kind: 'checkpoint', log: row.log, checkpointed: row.checkpointed, walBytes });
    }
  } catch (err) {
    // The engine's RESTART holds the lock a moment: the next tick tries again.
    if (/busy|locked/i.test(String(err && err.message))) return;
    clearInterval(timer);
    parentPort.postMessage({ kind: 'error', message: String(err && err.message || err) });
    try { db.close(); } catch {}
    process.exit(0);
  }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'resume') paused = false;
  if (m !== 'close') return;
  clearInterval(timer);
  try { db.close(); } catch {}
  process.exit(0);
});
`;

export class WalCheckpointer {
  readonly events = new EventEmitter<CheckpointerEvents>();
  private readonly worker: Worker | undefined;
  private readonly exited: Promise<void>;
  private active = false;
  private restartQueued = false;
  private stopped = false;
  private fellBack = false;

  /** `path` is the database file (not ':memory:'), `databaseKey` the page key the engine's connection uses. */
  constructor(
    private readonly db: SqliteDatabase,
    path: string,
    databaseKey: Uint8Array,
    options: WalCheckpointerOptions = {},
  ) {
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    const restartAboveBytes = options.restartAboveBytes ?? RESTART_ABOVE_BYTES;
    let worker: Worker | undefined;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: {
          driver: createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers'),
          path,
          hexKey: Buffer.from(databaseKey).toString('hex'),
          everyMs: options.checkEveryMs ?? CHECK_EVERY_MS,
          restartAboveBytes,
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
    worker.on('message', (m: WorkerMessage) => this.onMessage(m, restartAboveBytes));
    worker.on('error', (err) => this.fallback(`the checkpoint worker failed: ${err.message}`));
    worker.on('exit', () => {
      if (!this.stopped) this.fallback('the checkpoint worker stopped');
    });
  }

  /** Whether checkpoints run on the worker now (SQLite's automatic ones are off). */
  get running(): boolean {
    return this.active;
  }

  private onMessage(m: WorkerMessage, restartAboveBytes: number): void {
    if (this.stopped) return;
    if (m.kind === 'error') {
      this.fallback(m.message);
      return;
    }
    if (m.kind === 'ready') {
      if (!this.db.open) return;
      this.db.pragma('wal_autocheckpoint = 0');
      this.active = true;
      this.events.emit('ready');
      return;
    }
    this.events.emit('checkpoint', { log: m.log, checkpointed: m.checkpointed, walBytes: m.walBytes });
    if (m.walBytes > restartAboveBytes) this.queueRestart();
  }

  /** The WAL grew past its bound: start it over from this thread, between transactions. */
  private queueRestart(): void {
    if (this.restartQueued || this.stopped) return;
    this.restartQueued = true;
    setImmediate(() => {
      this.restartQueued = false;
      if (this.stopped || !this.db.open) return;
      if (this.db.inTransaction) {
        this.queueRestart();
        return;
      }
      // Not waiting on the worker's lock: if it is mid-checkpoint, its next report asks again.
      const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
      this.db.pragma('busy_timeout = 0');
      try {
        this.db.pragma('wal_checkpoint(RESTART)');
      } catch {
        // SQLITE_BUSY: the next report asks again
      } finally {
        this.db.pragma(`busy_timeout = ${timeout}`);
        this.worker?.postMessage('resume');
      }
      this.events.emit('restart');
    });
  }

  private fallback(reason: string): void {
    if (this.stopped || this.fellBack) return;
    this.fellBack = true;
    this.active = false;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    this.events.emit('fallback', reason);
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
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  }
}
