import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntrySource } from '../threads/worker-entry-source.js';
import type { MlsSignatureCheck } from '../crypto/mls/index.js';
import { PAIR_BYTES, packLengthPrefixed, packMlsChecks, signatureReplySchema, type MlsSignatureRequest, type SignatureReply, type SignatureRequest } from './signature-worker-protocol.js';

/** An envelope's id and the signature a worker found good for it (see CheckedSignatures). */
export interface CheckedPair {
  readonly id: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Ed25519 verification of received envelopes on the machine's other cores (issue 13): the engine's
 * thread hands a batch over and gets back the (id, signature) pairs that held. It can only save
 * work, never decide: a pair missing from the answer (forged, undecodable, a worker that died or
 * is still starting) means the inbox verifies that envelope itself, and refuses it if it fails.
 */
export interface SignaturePool {
  /**
   * The good pairs among `envelopes`, verified off this thread (the first question starts the
   * workers; it is answered once one is up); undefined when the pool failed or was released: the
   * caller goes on without it. Never rejects.
   */
  check(envelopes: readonly Uint8Array[]): Promise<CheckedPair[]> | undefined;
  /**
   * Which of these MLS inner signatures a worker found good (true), in order; false means "not
   * confirmed" (bad, or no worker answered): the caller verifies those itself. Undefined as for check.
   */
  checkMls(checks: readonly MlsSignatureCheck[]): Promise<boolean[]> | undefined;
  /** Whether a worker is up (a question asked now is answered without waiting for one to start). */
  ready(): boolean;
  /** Starts the workers if they are not up or starting (a burst came that did not wait for them). */
  start(): void;
  /** This user is done with the pool; the workers end when the last user is. */
  release(): void;
}

interface PoolWorker {
  readonly worker: Worker;
  ready: boolean;
  /** Envelopes sent and not answered yet (the next batch goes to the least loaded worker). */
  load: number;
  /** Open questions by batch: answered with the worker's reply, or with nothing when it is gone. */
  readonly waiting: Map<number, { size: number; answer: (reply: SignatureReply | undefined) => void }>;
}

/** One worker per core beyond the engine's own, at least one, at most a few (each holds libsodium and protobuf). */
const WORKERS = Math.max(1, Math.min(3, availableParallelism() - 1));

/** The workers, shared by every engine of this process and started on first use. */
class SharedWorkers {
  private workers: PoolWorker[] | undefined;
  private failed = false;
  private nextBatch = 0;

  check(envelopes: readonly Uint8Array[]): Promise<CheckedPair[]> | undefined {
    const packed = packLengthPrefixed(envelopes);
    return this.ask(
      envelopes.length,
      (batch): SignatureRequest => ({ batch, envelopes: packed }),
      (reply) => (reply?.kind === 'checked' ? unpack(reply.good) : []),
      [packed.buffer],
    );
  }

  checkMls(checks: readonly MlsSignatureCheck[]): Promise<boolean[]> | undefined {
    const mls = packMlsChecks(checks);
    return this.ask(checks.length, (batch): MlsSignatureRequest => ({ batch, mls }), (reply) =>
      checks.map((_, i) => reply?.kind === 'mls-checked' && reply.holds.byteLength === checks.length && reply.holds[i] === 1),
      [mls.buffer],
    );
  }

  /**
   * One question to the least loaded worker, its packed buffer transferred, not copied; `read` turns
   * its reply (or nothing, if it is gone or refused the question) into the answer.
   */
  private ask<T>(
    size: number,
    request: (batch: number) => SignatureRequest | MlsSignatureRequest,
    read: (reply: SignatureReply | undefined) => T,
    transfer: ArrayBuffer[],
  ): Promise<T> | undefined {
    if (this.failed) return undefined;
    this.startAll();
    const target = [...(this.workers ?? [])].sort((a, b) => a.load - b.load)[0];
    if (target === undefined) return undefined;
    const batch = this.nextBatch++;
    target.load += size;
    return new Promise((resolve) => {
      target.waiting.set(batch, { size, answer: (reply) => resolve(read(reply)) });
      target.worker.postMessage(request(batch), transfer);
    });
  }

  startAll(): void {
    if (!this.failed) this.workers ??= Array.from({ length: WORKERS }, () => this.start());
  }

  ready(): boolean {
    return this.workers?.some((w) => w.ready) === true;
  }

  private start(): PoolWorker {
    // Beside this file: signature-worker-entry.js when built (every node bundle has it as an entry, see
    // scripts/node-bundle-options.ts), the .ts under tsx from sources.
    const source = workerEntrySource(import.meta.url, 'signature-worker-entry');
    const worker = new Worker(source.filename, { eval: source.eval, execArgv: [] });
    // The pool must never keep a process alive that is otherwise done.
    worker.unref();
    const entry: PoolWorker = { worker, ready: false, load: 0, waiting: new Map() };
    worker.on('message', (message: unknown) => {
      const reply = signatureReplySchema.safeParse(message);
      if (!reply.success) return;
      if (reply.data.kind === 'ready') {
        entry.ready = true;
        return;
      }
      const waiter = entry.waiting.get(reply.data.batch);
      if (waiter === undefined) return;
      entry.waiting.delete(reply.data.batch);
      entry.load -= waiter.size;
      waiter.answer(reply.data);
    });
    // A worker that cannot start (its entry file missing) or dies: the pool is off for good
    // and whatever it was asked is answered with nothing (verified on the engine's thread instead).
    const fail = (): void => {
      this.failed = true;
      this.end();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    return entry;
  }

  /** Ends every worker; open questions are answered with nothing. */
  end(): void {
    const workers = this.workers ?? [];
    this.workers = undefined;
    for (const w of workers) {
      w.ready = false;
      for (const waiter of w.waiting.values()) waiter.answer(undefined);
      w.waiting.clear();
      w.worker.removeAllListeners('exit');
      void w.worker.terminate();
    }
  }
}

function unpack(good: Uint8Array): CheckedPair[] {
  const pairs: CheckedPair[] = [];
  for (let at = 0; at + PAIR_BYTES <= good.byteLength; at += PAIR_BYTES) {
    pairs.push({ id: good.subarray(at, at + 32), signature: good.subarray(at + 32, at + PAIR_BYTES) });
  }
  return pairs;
}

let shared: SharedWorkers | undefined;
let users = 0;

/** A handle on the process's signature workers; `release()` it when the engine closes. */
export function acquireSignaturePool(): SignaturePool {
  shared ??= new SharedWorkers();
  users += 1;
  const pool = shared;
  let released = false;
  return {
    check: (envelopes) => (released ? undefined : pool.check(envelopes)),
    checkMls: (checks) => (released ? undefined : pool.checkMls(checks)),
    ready: () => !released && pool.ready(),
    start: () => {
      if (!released) pool.startAll();
    },
    release: () => {
      if (released) return;
      released = true;
      users -= 1;
      if (users === 0 && shared === pool) {
        shared = undefined;
        pool.end();
      }
    },
  };
}
