/**
 * Runs the core in a worker thread and talks to it from the thread that owns the UI (Electron's main
 * process). Requests go in as untrusted `(name, input)` pairs and come back as IpcResults (validated
 * by the contract inside the worker); events come back as they happen.
 *
 * From TypeScript sources (tests) the worker boots through tsx; compiled, it runs the sibling .js.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { IpcResult } from '../../../shared/ipc/ipc-contract.js';
import type { KeyringFunctions } from '../../core/crypto/local-key/os-keyring-wrapper.js';
import { createLogger } from '../../core/log/logger.js';
import type { SlimNodeHandle, SlimNodeLaunchOptions } from '../../core/slim-node/slim-node-launcher.js';
import { workerEntrySource } from '../../core/threads/worker-entry-source.js';
import { rejectAll, resolveAll, waitWithDeadline, type Waiter } from '../../core/transport/deadline-waiter.js';
import { parseWorkerToHost, type HostToWorker, type WorkerCore, type WorkerEventArgs, type WorkerKey, type WorkerToHost } from './core-worker-protocol.js';
import { WorkerHostNodes } from './worker-host-nodes.js';
import { coreWorkerResourceLimits } from './core-heap.js';

const log = createLogger('core-worker.host');

/** How the profile's local key is protected. The keyring functions run on the calling thread. */
export type CoreWorkerKey =
  | { kind: 'os-keyring'; keyring: KeyringFunctions }
  | { kind: 'passphrase'; passphrase: string }
  | { kind: 'key-file'; path: string; create: boolean };

export interface CoreWorkerOptions {
  /** The profile folder. */
  dataDir: string;
  key: CoreWorkerKey;
  /** How long opening the profile may take (default 60 s: a first run creates the database). */
  startTimeoutMs?: number;
  /** How long close() waits for the core to shut down before terminating the thread (default 10 s). */
  closeTimeoutMs?: number;
  /** How the core reaches SLIM (default: as its settings say, with the embedded node). */
  core?: Omit<WorkerCore, 'hostLaunchesNode'>;
  /**
   * Starts embedded SLIM node processes on this thread instead of the worker forking them (Electron:
   * a utility process, since fork() needs the RunAsNode fuse). Their handles stay here; the worker
   * drives them by messages, and whatever is still running when the worker ends is stopped.
   */
  launchNode?: (options: SlimNodeLaunchOptions) => Promise<SlimNodeHandle>;
}

export interface CoreWorker {
  readonly threadId: number;
  /** The heap limits the thread runs with (see core-heap.ts), as Node reports them. */
  readonly resourceLimits: ResourceLimits;
  /** Sends one untrusted request; never rejects (a dead worker answers HOST_UNAVAILABLE). */
  invoke(name: unknown, input: unknown): Promise<IpcResult<unknown>>;
  /** Every event the core pushes: its name and that name's payload (as in the contract). */
  onEvent(listener: (...event: WorkerEventArgs) => void): () => void;
  /** Called once if the worker stops without close() (a crash). */
  onExit(listener: (error: KizunaError) => void): () => void;
  /** Closes the core (and its SLIM node) and ends the thread. Idempotent. */
  close(): Promise<void>;
}

type EventListener = (...event: WorkerEventArgs) => void;
type ExitListener = (error: KizunaError) => void;

export async function startCoreWorker(options: CoreWorkerOptions): Promise<CoreWorker> {
  const source = workerEntrySource(import.meta.url, 'core-worker-entry');
  const worker = new Worker(source.filename, {
    eval: source.eval,
    ...(source.execArgv === undefined ? {} : { execArgv: source.execArgv }),
    name: 'kizuna-core',
    resourceLimits: coreWorkerResourceLimits(),
  });
  const link = new CoreWorkerLink(worker, options);
  await link.open();
  return link;
}

const unavailable = (): IpcResult<unknown> => ({ ok: false, error: new KizunaError('HOST_UNAVAILABLE').toJSON() });

/** The thread-owning side of one core worker: its life cycle, requests in flight, and what it asks of us. */
class CoreWorkerLink implements CoreWorker {
  readonly threadId: number;
  readonly resourceLimits: ResourceLimits;
  private readonly results = new Map<number, (result: IpcResult<unknown>) => void>();
  private readonly eventListeners = new Set<EventListener>();
  private readonly exitListeners = new Set<ExitListener>();
  private readonly nodes: WorkerHostNodes;
  private readonly exited: Promise<number>;
  private nextId = 1;
  private state: 'starting' | 'ready' | 'closing' | 'gone' = 'starting';
  /** open()'s wait for the core's answer to init (empty when not opening). */
  private readonly opening = new Set<Waiter>();
  private onClosed: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly options: CoreWorkerOptions,
  ) {
    this.threadId = worker.threadId;
    this.resourceLimits = worker.resourceLimits ?? {};
    this.nodes = new WorkerHostNodes((m) => this.post(m), options.launchNode);
    worker.on('message', (raw: unknown) => {
      const message = parseWorkerToHost(raw);
      if (message === undefined) log.warn('ignored a malformed message from the core worker');
      else this.onMessage(message);
    });
    this.exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    worker.on('error', (err) => {
      log.error('core worker failed', { reason: err.message });
      rejectAll(this.opening, new KizunaError('HOST_UNAVAILABLE', undefined, { reason: err.message }, { cause: err }));
    });
    void this.exited.then((code) => this.ended(code));
  }

  /** Sends init and waits for the core to open the profile (or fail, or time out). */
  async open(): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    try {
      const ready = waitWithDeadline(this.opening, timeoutMs, () => new KizunaError('TIMEOUT', 'The core did not start in time.', { timeoutMs }));
      const core: WorkerCore = { ...this.options.core, ...(this.options.launchNode === undefined ? {} : { hostLaunchesNode: true }) };
      // Sent once the wait is registered; a post that throws fails open() like a refusal would (the
      // wait itself is then settled by the worker's exit, after the terminate below).
      await Promise.all([ready, Promise.resolve().then(() => this.post({ type: 'init', dataDir: this.options.dataDir, key: workerKey(this.options.key), core }))]);
    } catch (err) {
      this.state = 'gone';
      await this.worker.terminate();
      throw err;
    }
  }

  invoke(name: unknown, input: unknown): Promise<IpcResult<unknown>> {
    if (this.state !== 'ready') return Promise.resolve(unavailable());
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.results.set(id, resolve);
      try {
        this.post({ type: 'request', id, name, input });
      } catch (err) {
        // Input that cannot be cloned (functions, symbols) never reaches the core.
        this.results.delete(id);
        resolve({ ok: false, error: new KizunaError('INVALID_INPUT', 'The request cannot be sent to the core.', { reason: err instanceof Error ? err.message : String(err) }).toJSON() });
      }
    });
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onExit(listener: ExitListener): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.state === 'gone') return;
      this.state = 'closing';
      const closed = new Promise<void>((resolve) => {
        this.onClosed = resolve;
      });
      this.post({ type: 'close' });
      const timer = setTimeout(() => void this.worker.terminate(), this.options.closeTimeoutMs ?? 10_000);
      await closed;
      clearTimeout(timer);
      // The core is closed; whatever handles remain (timers) must not keep the thread alive.
      await this.worker.terminate();
      await this.exited;
      await this.nodes.stopAll();
    })();
    return this.closing;
  }

  private post(message: HostToWorker): void {
    this.worker.postMessage(message);
  }

  private onMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'ready':
        this.state = 'ready';
        resolveAll(this.opening);
        return;
      case 'init-failed':
        rejectAll(this.opening, KizunaError.fromJSON(message.error));
        return;
      case 'result': {
        const resolve = this.results.get(message.id);
        if (resolve === undefined) return;
        this.results.delete(message.id);
        resolve(message.result as IpcResult<unknown>);
        return;
      }
      case 'events':
        for (const e of message.events) this.dispatchEvent([e.event, e.payload] as WorkerEventArgs);
        return;
      case 'keyring-call':
        void this.answerKeyring(message.id, message.op, message.bytes);
        return;
      case 'node-launch':
        void this.nodes.launch(message.id, message.options);
        return;
      case 'node-stop':
        this.nodes.stop(message.id);
        return;
      case 'node-kill':
        this.nodes.kill(message.id, message.signal);
        return;
      case 'closed':
        this.onClosed?.();
        return;
    }
  }

  /** One listener's failure is logged; the others still hear the event. */
  private dispatchEvent(event: WorkerEventArgs): void {
    for (const listener of [...this.eventListeners]) {
      try {
        listener(...event);
      } catch (err) {
        log.error('an event listener threw', { event: event[0], reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private async answerKeyring(id: number, op: 'protect' | 'unprotect', bytes: Uint8Array): Promise<void> {
    const keyring = this.options.key.kind === 'os-keyring' ? this.options.key.keyring : undefined;
    if (keyring === undefined) {
      this.post({ type: 'keyring-reply', id, error: 'This profile is not opened with the system keyring.' });
      return;
    }
    try {
      const out = op === 'protect' ? await keyring.protect(bytes) : await keyring.unprotect(bytes);
      this.post({ type: 'keyring-reply', id, bytes: out });
    } catch (err) {
      this.post({ type: 'keyring-reply', id, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private ended(code: number): void {
    const wasRunning = this.state === 'ready';
    this.state = 'gone';
    void this.nodes.stopAll();
    for (const resolve of this.results.values()) resolve(unavailable());
    this.results.clear();
    rejectAll(this.opening, new KizunaError('HOST_UNAVAILABLE', 'The core stopped while opening the profile.', { exitCode: code }));
    this.onClosed?.();
    if (wasRunning) {
      const error = new KizunaError('HOST_UNAVAILABLE', 'The core stopped unexpectedly.', { exitCode: code });
      for (const listener of [...this.exitListeners]) listener(error);
    }
  }
}

/** The key as it crosses to the worker: the keyring itself stays on this thread. */
function workerKey(key: CoreWorkerKey): WorkerKey {
  switch (key.kind) {
    case 'os-keyring':
      return { kind: 'os-keyring' };
    case 'passphrase':
      return { kind: 'passphrase', passphrase: key.passphrase };
    case 'key-file':
      return { kind: 'key-file', path: key.path, create: key.create };
  }
}
