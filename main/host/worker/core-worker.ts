/**
 * Runs the core in a worker thread and talks to it from the thread that owns the UI (Electron's main
 * process). Requests go in as untrusted `(name, input)` pairs and come back as IpcResults (validated
 * by the contract inside the worker); events come back as they happen.
 *
 * From TypeScript sources (tests) the worker boots through tsx; compiled, it runs the sibling .js.
 */
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import type { IpcResult } from '../../../shared/ipc/ipc-contract.js';
import type { KeyringFunctions } from '../../core/crypto/local-key/os-keyring-wrapper.js';
import { createLogger } from '../../core/log/logger.js';
import type { SlimNodeHandle, SlimNodeLaunchOptions } from '../../core/slim-node/slim-node-launcher.js';
import { workerToHostSchema, type HostToWorker, type WorkerCore, type WorkerKey } from './core-worker-protocol.js';

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
  /** Sends one untrusted request; never rejects (a dead worker answers HOST_UNAVAILABLE). */
  invoke(name: unknown, input: unknown): Promise<IpcResult<unknown>>;
  /** Every event the core pushes (names and payloads as in the contract). */
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  /** Called once if the worker stops without close() (a crash). */
  onExit(listener: (error: KizunaError) => void): () => void;
  /** Closes the core (and its SLIM node) and ends the thread. Idempotent. */
  close(): Promise<void>;
}

function workerSource(): { filename: string | URL; eval: boolean; execArgv?: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (extname(self) !== '.ts') return { filename: new URL('./core-worker-entry.js', import.meta.url), eval: false };
  const entry = new URL('./core-worker-entry.ts', import.meta.url).href;
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  // Hooks from the parent's --import do not reach workers on Node 20; register tsx inside the worker.
  const code =
    `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((error) => { console.error(error); process.exit(70); });`;
  return { filename: code, eval: true, execArgv: [] };
}

export async function startCoreWorker(options: CoreWorkerOptions): Promise<CoreWorker> {
  const source = workerSource();
  const worker = new Worker(source.filename, {
    eval: source.eval,
    ...(source.execArgv === undefined ? {} : { execArgv: source.execArgv }),
    name: 'kizuna-core',
  });
  const results = new Map<number, (result: IpcResult<unknown>) => void>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const exitListeners = new Set<(error: KizunaError) => void>();
  let nextId = 1;
  let state: 'starting' | 'ready' | 'closing' | 'gone' = 'starting';
  let onReady: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  let onClosed: (() => void) | undefined;

  const post = (message: HostToWorker): void => worker.postMessage(message);
  const unavailable = (): IpcResult<unknown> => ({ ok: false, error: new KizunaError('HOST_UNAVAILABLE').toJSON() });

  const keyring = options.key.kind === 'os-keyring' ? options.key.keyring : undefined;
  const key: WorkerKey =
    options.key.kind === 'os-keyring'
      ? { kind: 'os-keyring' }
      : options.key.kind === 'passphrase'
        ? { kind: 'passphrase', passphrase: options.key.passphrase }
        : { kind: 'key-file', path: options.key.path, create: options.key.create };

  worker.on('message', (raw: unknown) => {
    const parsed = workerToHostSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn('ignored a malformed message from the core worker');
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        state = 'ready';
        onReady?.resolve();
        return;
      case 'init-failed':
        onReady?.reject(KizunaError.fromJSON(message.error));
        return;
      case 'result': {
        const resolve = results.get(message.id);
        if (resolve === undefined) return;
        results.delete(message.id);
        resolve(message.result as IpcResult<unknown>);
        return;
      }
      case 'event':
        for (const listener of [...eventListeners]) {
          try {
            listener(message.event, message.payload);
          } catch (err) {
            log.error('an event listener threw', { event: message.event, reason: err instanceof Error ? err.message : String(err) });
          }
        }
        return;
      case 'keyring-call':
        void answerKeyring(message.id, message.op, message.bytes);
        return;
      case 'node-launch':
        void launchNode(message.id, message.options);
        return;
      case 'node-stop':
        void hostNodes.get(message.id)?.stop();
        return;
      case 'node-kill':
        hostNodes.get(message.id)?.kill(message.signal as NodeJS.Signals);
        return;
      case 'closed':
        onClosed?.();
        return;
    }
  });

  const hostNodes = new Map<number, SlimNodeHandle>();
  async function launchNode(id: number, launchOptions: SlimNodeLaunchOptions): Promise<void> {
    if (options.launchNode === undefined) {
      post({ type: 'node-launched', id, error: new KizunaError('NODE_START_FAILED', 'This host does not start SLIM nodes.').toJSON() });
      return;
    }
    try {
      const handle = await options.launchNode(launchOptions);
      if (state === 'gone') {
        await handle.stop();
        return;
      }
      hostNodes.set(id, handle);
      post({ type: 'node-launched', id, node: { pid: handle.pid, version: handle.version } });
      void handle.exited.then((exit) => {
        hostNodes.delete(id);
        if (state !== 'gone') post({ type: 'node-exited', id, exit: { code: exit.code, signal: exit.signal }, output: handle.recentOutput().slice(-20) });
      });
    } catch (err) {
      if (state !== 'gone') post({ type: 'node-launched', id, error: toKizunaError(err).toJSON() });
    }
  }
  /** Nodes this thread started for the worker outlive it only until here. */
  const stopHostNodes = async (): Promise<void> => {
    const handles = [...hostNodes.values()];
    hostNodes.clear();
    await Promise.all(handles.map((h) => h.stop().catch(() => undefined)));
  };

  async function answerKeyring(id: number, op: 'protect' | 'unprotect', bytes: Uint8Array): Promise<void> {
    if (keyring === undefined) {
      post({ type: 'keyring-reply', id, error: 'This profile is not opened with the system keyring.' });
      return;
    }
    try {
      const out = op === 'protect' ? await keyring.protect(bytes) : await keyring.unprotect(bytes);
      post({ type: 'keyring-reply', id, bytes: out });
    } catch (err) {
      post({ type: 'keyring-reply', id, error: err instanceof Error ? err.message : String(err) });
    }
  }

  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  worker.on('error', (err) => {
    log.error('core worker failed', { reason: err.message });
    onReady?.reject(new KizunaError('HOST_UNAVAILABLE', undefined, { reason: err.message }, { cause: err }));
  });
  void exited.then((code) => {
    const wasRunning = state === 'ready';
    state = 'gone';
    void stopHostNodes();
    for (const resolve of results.values()) resolve(unavailable());
    results.clear();
    onReady?.reject(new KizunaError('HOST_UNAVAILABLE', 'The core stopped while opening the profile.', { exitCode: code }));
    onClosed?.();
    if (wasRunning) {
      const error = new KizunaError('HOST_UNAVAILABLE', 'The core stopped unexpectedly.', { exitCode: code });
      for (const listener of [...exitListeners]) listener(error);
    }
  });

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new KizunaError('TIMEOUT', 'The core did not start in time.', { timeoutMs })), timeoutMs);
      onReady = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const core: WorkerCore = { ...options.core, ...(options.launchNode === undefined ? {} : { hostLaunchesNode: true }) };
      post({ type: 'init', dataDir: options.dataDir, key, core });
    });
  } catch (err) {
    state = 'gone';
    await worker.terminate();
    throw err;
  } finally {
    onReady = undefined;
  }

  let closing: Promise<void> | undefined;
  return {
    threadId: worker.threadId,
    invoke(name, input) {
      if (state !== 'ready') return Promise.resolve(unavailable());
      const id = nextId++;
      return new Promise((resolve) => {
        results.set(id, resolve);
        try {
          post({ type: 'request', id, name, input });
        } catch (err) {
          // Input that cannot be cloned (functions, symbols) never reaches the core.
          results.delete(id);
          resolve({ ok: false, error: new KizunaError('INVALID_INPUT', 'The request cannot be sent to the core.', { reason: err instanceof Error ? err.message : String(err) }).toJSON() });
        }
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        if (state === 'gone') return;
        state = 'closing';
        const closed = new Promise<void>((resolve) => {
          onClosed = resolve;
        });
        post({ type: 'close' });
        const timer = setTimeout(() => void worker.terminate(), options.closeTimeoutMs ?? 10_000);
        await closed;
        clearTimeout(timer);
        // The core is closed; whatever handles remain (timers) must not keep the thread alive.
        await worker.terminate();
        await exited;
        await stopHostNodes();
      })();
      return closing;
    },
  };
}
