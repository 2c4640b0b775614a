import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName, EventPayloads, IpcResult, RequestInput, RequestName, RequestOutput } from '../../shared/ipc/ipc-contract.js';
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import { testProcessFile } from '../../scripts/test-process-bundle-options.js';

/**
 * core-process-entry.ts as built JavaScript: vitest's global setup (test-process-global-setup.ts)
 * and the benchmarks bundle it from the current sources before anything forks it. Under tsx every
 * start compiled the engine again (1.5–2 s), and tests start several.
 */
const ENTRY = testProcessFile(fileURLToPath(new URL('../../', import.meta.url)), 'core-process-entry');

/** Fast session timings for tests (the defaults are seed 000's 5 s timeout). */
export const FAST_SESSION = {
  ackTimeoutMs: 400,
  heartbeatMs: 500,
  gapCheckMs: 300,
  directRetryCapMs: 600,
  transport: { backoff: { initialDelayMs: 50, maxDelayMs: 400, jitter: 0.3 }, liveness: { intervalMs: 250, timeoutMs: 750 } },
};

type Listener = (payload: unknown) => void;

export interface CoreProcessOptions {
  /**
   * Whether the child sends its events here (default true). Benchmarks turn them off: each one is a
   * message serialized in the child and parsed in the benchmark's process, on the path it measures.
   */
  events?: boolean;
  /** Node flags for the child (a benchmark profiles the members' processes with `--cpu-prof`). */
  execArgv?: readonly string[];
}

/**
 * A KizunaCore in its own process (its own SQLite file), for tests that kill and restart engines.
 * The profile survives restarts: same folder, same key.
 */
export class CoreProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: IpcResult<unknown>) => void>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private events = 0;
  readonly dataDir: string;
  private readonly key = randomBytes(32).toString('base64');

  constructor(
    root: string,
    readonly name: string,
    private nodeEndpoint: string,
    private readonly session: Record<string, unknown> = FAST_SESSION,
    private readonly options: CoreProcessOptions = {},
  ) {
    this.dataDir = join(root, name);
  }

  async start(nodeEndpoint = this.nodeEndpoint): Promise<void> {
    this.nodeEndpoint = nodeEndpoint;
    if (!existsSync(ENTRY)) throw new KizunaError('HOST_UNAVAILABLE', `${ENTRY} is missing: run the tests through vitest (its global setup builds it) or npm run build:test-processes.`);
    const child = fork(ENTRY, [], { execArgv: [...(this.options.execArgv ?? [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, KIZUNA_LOG_LEVEL: process.env['KIZUNA_TEST_LOG'] ?? 'error' } });
    this.child = child;
    // A send to a child that just died fails with ERR_IPC_CHANNEL_CLOSED; without a listener that
    // 'error' would crash the test process. The requests it concerns fail through their callbacks.
    child.on('error', () => undefined);
    child.on('message', (m: { id?: number; result?: IpcResult<unknown>; event?: string; payload?: unknown }) => {
      if (m.id !== undefined && m.result !== undefined) {
        this.waiting.get(m.id)?.(m.result);
        this.waiting.delete(m.id);
      } else if (m.event !== undefined) {
        this.events++;
        for (const l of this.listeners.get(m.event) ?? []) l(m.payload);
      }
    });
    child.on('exit', (code, signal) => {
      for (const w of this.waiting.values()) w({ ok: false, error: { code: 'HOST_UNAVAILABLE', message: `${this.name} exited (${signal ?? code}) before answering.` } });
      this.waiting.clear();
    });
    // Requests made before the child is ready wait for this (the child reads commands only then).
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }): void => {
        if (m.ready === true) {
          child.off('message', onMessage);
          resolve();
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => reject(new KizunaError('HOST_UNAVAILABLE', `${this.name} exited before it was ready (${signal ?? code}).`)));
      child.send({ dataDir: this.dataDir, key: this.key, nodeEndpoint, session: this.session, events: this.options.events ?? true }, (err) => {
        if (err !== null) reject(new KizunaError('HOST_UNAVAILABLE', `${this.name} could not be started: ${err.message}`));
      });
    });
    ready.catch(() => undefined); // observed through start() and by each waiting request
    this.ready = ready;
    await ready;
  }

  private async command<T>(cmd: Record<string, unknown>): Promise<T> {
    const notRunning = (): KizunaError => new KizunaError('HOST_UNAVAILABLE', `${this.name} is not running.`);
    if (this.child === undefined || this.ready === undefined) throw notRunning();
    await this.ready;
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null || !child.connected) throw notRunning();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, (r) => (r.ok ? resolve(r.value as T) : reject(KizunaError.fromJSON(r.error))));
      child.send({ id, ...cmd }, (err) => {
        if (err === null || !this.waiting.has(id)) return;
        this.waiting.delete(id);
        reject(new KizunaError('HOST_UNAVAILABLE', `${this.name} went away before the request reached it: ${err.message}`));
      });
    });
  }

  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    return this.command({ kind: 'invoke', name, input });
  }

  stats(): Promise<{ dropped: Record<string, number>; inbox: Record<string, number>; outbox: Record<string, number>; channelLog: number }> {
    return this.command({ kind: 'stats' });
  }

  idle(): Promise<void> {
    return this.command({ kind: 'idle' });
  }

  discover(name: string): Promise<string | null> {
    return this.command({ kind: 'discover', name });
  }

  /** Turns this core into an echo bot for one group (benchmarks measure round trips with it). */
  echo(groupId: string): Promise<void> {
    return this.command({ kind: 'echo', groupId });
  }

  on<E extends EventName | 'dropped'>(event: E, listener: (payload: E extends EventName ? EventPayloads[E] : { reason: string; type?: string }) => void): () => void {
    // Fails loudly rather than waiting for an event that will never be sent.
    if (this.options.events === false) throw new Error(`${this.name} was started without events (CoreProcessOptions.events)`);
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  /** Events the child has sent since it was constructed (none when started without them). */
  get eventsReceived(): number {
    return this.events;
  }

  /** Resolves with the first event payload the predicate accepts. */
  waitFor<E extends EventName>(event: E, predicate: (p: EventPayloads[E]) => boolean, timeoutMs = 15_000): Promise<EventPayloads[E]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${this.name}: timed out waiting for ${event}`));
      }, timeoutMs);
      const off = this.on(event, (p) => {
        if (!predicate(p as EventPayloads[E])) return;
        clearTimeout(timer);
        off();
        resolve(p as EventPayloads[E]);
      });
    });
  }

  /** Polls a condition over requests (state that may already hold, so no event will come). */
  async until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`${this.name}: timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL: no goodbye, no flush (fault tests). */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    await this.command({ kind: 'close' }).catch(() => undefined);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
