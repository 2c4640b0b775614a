/**
 * Starts a SLIM node in its own process (slim-node-process.ts) and hands back a handle to stop or kill it.
 *
 * From TypeScript sources the child runs under `--import tsx`; compiled, the sibling .js runs on plain
 * node. The choice follows this module's own file extension, so both layouts work without configuration.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createLogger } from '../log/logger.js';
import { stripAnsiColours } from './ansi-colours.js';
import { nodeStatusMessageSchema, type NodeStartRequest } from './slim-node-protocol.js';

const log = createLogger('slim-node.launcher');

export interface SlimNodeLaunchOptions {
  /** `127.0.0.1:PORT` or `unix:///absolute/path` (the node cannot report a port 0 back). */
  readonly endpoint: string;
  /** Require Basic auth from clients. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** How long to wait for the node to listen (default 15000 ms). */
  readonly startTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL in stop() (default 3000 ms). */
  readonly stopGraceMs?: number;
  /** Rust log filter for the node (default 'warn'; its logs are kept in recentOutput()). */
  readonly rustLog?: string;
  /**
   * Let a controller wire this node (`kizuna controller`, or any SLIM control plane): the node dials
   * `endpoint` (host:port) and registers as `nodeId`, then opens the links and sets the routes it is
   * told to. Not combinable with `auth` yet. `token` authenticates the node to a controller started with
   * an auth file; `caFile` makes it dial over TLS and verify the controller's certificate.
   */
  readonly controller?: { readonly endpoint: string; readonly nodeId: string; readonly token?: string; readonly caFile?: string };
}

export interface SlimNodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SlimNodeHandle {
  readonly endpoint: string;
  readonly pid: number;
  /** Version reported by the bindings' native core. */
  readonly version: string;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<SlimNodeExit>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
  /** Sends a signal as is (fault tests: SIGKILL, SIGSTOP, SIGCONT). */
  kill(signal?: NodeJS.Signals): void;
  /** The last lines the node wrote (stdout and stderr), for diagnostics. */
  recentOutput(): string[];
}

const DEFAULT_START_TIMEOUT_MS = 15_000;
const DEFAULT_STOP_GRACE_MS = 3_000;
const OUTPUT_LINES_KEPT = 50;

/** Where the child entry is and how to run it, for sources (.ts) and compiled output (.js). */
function childEntry(): { path: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  const ext = extname(self);
  const path = fileURLToPath(new URL(`./slim-node-process${ext === '.ts' ? '.ts' : '.js'}`, import.meta.url));
  if (ext !== '.ts') return { path, execArgv: [] };
  // Resolve tsx from this package rather than the working directory, so any cwd works.
  let tsx = 'tsx';
  try {
    tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    // fall back to resolution from the working directory
  }
  return { path, execArgv: ['--import', tsx] };
}

/** Starts a node and resolves once it listens. Rejects NODE_ADDRESS_IN_USE, NODE_START_FAILED or TIMEOUT. */
export async function launchSlimNode(options: SlimNodeLaunchOptions): Promise<SlimNodeHandle> {
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const { path, execArgv } = childEntry();
  const output: string[] = [];
  const child = fork(path, [], {
    execArgv,
    env: { ...process.env, RUST_LOG: options.rustLog ?? 'warn', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const keep = (chunk: Buffer): void => {
    for (const line of stripAnsiColours(chunk.toString('utf8')).split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > OUTPUT_LINES_KEPT) output.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<SlimNodeExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const ready = await waitForReady(child, exited, startTimeoutMs, output, options).catch(async (error: unknown) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    throw error;
  });
  // After start-up the IPC channel stays open only so that the node exits if we die; it has nothing to say.
  child.on('message', () => undefined);

  let stopping: Promise<void> | undefined;
  const handle: SlimNodeHandle = {
    endpoint: options.endpoint,
    pid: ready.pid,
    version: ready.version,
    exited,
    stop() {
      stopping ??= stopChild(child, exited, stopGraceMs);
      return stopping;
    },
    kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    recentOutput: () => [...output],
  };
  log.info('slim node started', { endpoint: options.endpoint, pid: ready.pid, version: ready.version });
  return handle;
}

function waitForReady(
  child: ChildProcess,
  exited: Promise<SlimNodeExit>,
  timeoutMs: number,
  output: string[],
  options: SlimNodeLaunchOptions,
): Promise<{ pid: number; version: string }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      action();
    };
    const timer = setTimeout(() => {
      settle(() =>
        reject(new KizunaError('TIMEOUT', 'The SLIM node did not start in time.', { endpoint: options.endpoint, timeoutMs, output: output.slice(-10) })),
      );
    }, timeoutMs);
    const onMessage = (raw: unknown): void => {
      const parsed = nodeStatusMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'ready') settle(() => resolve({ pid: message.pid, version: message.version }));
      else settle(() => reject(new KizunaError(message.code, message.message, { endpoint: options.endpoint, detail: message.detail })));
    };
    child.on('message', onMessage);
    child.once('error', (error) =>
      settle(() => reject(new KizunaError('NODE_START_FAILED', undefined, { endpoint: options.endpoint, detail: error.message }))),
    );
    void exited.then(({ code, signal }) =>
      settle(() =>
        reject(
          new KizunaError('NODE_START_FAILED', 'The SLIM node exited during start-up.', {
            endpoint: options.endpoint,
            code,
            signal,
            output: output.slice(-10),
          }),
        ),
      ),
    );
    const request: NodeStartRequest = {
      type: 'start',
      endpoint: options.endpoint,
      ...(options.auth ? { auth: { ...options.auth } } : {}),
      ...(options.controller ? { controller: { ...options.controller } } : {}),
    };
    child.send(request);
  });
}

async function stopChild(child: ChildProcess, exited: Promise<SlimNodeExit>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    await exited;
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
  if (child.connected) child.disconnect();
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, release it). Another
 * process may take it in between; tests that need certainty retry on NODE_ADDRESS_IN_USE.
 */
export function pickFreeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export interface UnixSocketEndpoint {
  /** `unix:///…/slim.sock` */
  readonly endpoint: string;
  readonly socketPath: string;
  /** The private (0700) directory holding the socket. */
  readonly directory: string;
  /** Removes the directory and whatever is left in it. */
  cleanup(): Promise<void>;
}

/**
 * A socket path inside a fresh owner-only directory (mkdtemp creates it 0700), so nobody else can reach the
 * socket even in the instant between bind and chmod. Short prefix: unix socket paths are limited to ~104 bytes.
 */
export async function createUnixSocketEndpoint(prefix = 'kz-slim-'): Promise<UnixSocketEndpoint> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  const socketPath = join(directory, 'slim.sock');
  return {
    endpoint: `unix://${socketPath}`,
    socketPath,
    directory,
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
}
