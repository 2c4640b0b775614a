/**
 * Child-process entry that runs a real SLIM node from @agntcy/slim-bindings.
 *
 * Run by slim-node-launcher.ts with an IPC channel: it waits for a 'start' message, binds, answers 'ready'
 * or a structured 'error', and serves until SIGTERM/SIGINT or until the parent goes away (IPC disconnect),
 * so that a crashed app or test runner never leaves an orphan node behind.
 * Without IPC (started by hand) it reads `--endpoint <e>` (and `--controller <host:port> --node-id <id>`)
 * and KIZUNA_SLIM_NODE_USERNAME / _PASSWORD, and prints a ready line on stdout.
 *
 * With a controller the node is configured the way SLIM's own node binary is, from a configuration file
 * (written to a private temporary folder and removed once read) with a data-plane server and a
 * `controller.clients` entry: the bindings' native core then dials the controller's southbound
 * OpenControlChannel stream, registers, and applies the links and routes it is sent.
 *
 * The node lives in its own process on purpose: the bindings bring a Rust runtime with its own threads,
 * logging and about 70 MB of memory, and a fault there must not take the engine down.
 */
import { chmodSync, lstatSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeStartRequestSchema, NODE_READY_LINE_PREFIX, type NodeStartRequest, type NodeStatusMessage } from './slim-node-protocol.js';

/** The part of the bindings we use. Its own typings do not resolve under NodeNext, so we declare ours. */
interface SlimServerConfig {
  endpoint: string;
  auth?: unknown;
  requireHeaderMac?: boolean;
}
interface SlimService {
  runServer(config: SlimServerConfig): void;
  stopServer(endpoint: string): void;
  shutdown(): void;
}
interface SlimBindings {
  initializeWithDefaults(): void;
  initializeFromConfigWithError(path: string): void;
  getGlobalService(): SlimService;
  newInsecureServerConfig(endpoint: string): SlimServerConfig;
  getVersion(): string;
  ServerAuthenticationConfig: {
    Basic: new (inner: { config: { username: string; password: string } }) => unknown;
  };
}

/** SlimError.ServiceError puts the useful text in `inner.message`. */
function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const inner = (error as { inner?: { message?: unknown } }).inner;
    if (inner !== undefined && typeof inner.message === 'string') return inner.message;
    if (error instanceof Error) return error.message;
  }
  return String(error);
}

/** Tells the parent (and the console); resolves once the IPC message is handed over, so exit cannot eat it. */
function report(message: NodeStatusMessage): Promise<void> {
  if (message.type === 'ready') process.stdout.write(`${NODE_READY_LINE_PREFIX}${message.endpoint}\n`);
  else process.stderr.write(`slim node: ${message.message} (${message.detail})\n`);
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

async function fail(code: 'NODE_ADDRESS_IN_USE' | 'NODE_START_FAILED', message: string, detail: string, exitCode: number): Promise<never> {
  await report({ type: 'error', code, message, detail });
  process.exit(exitCode);
}

function unixPath(endpoint: string): string | undefined {
  return endpoint.startsWith('unix://') ? endpoint.slice('unix://'.length) : undefined;
}

function removeSocketFile(path: string | undefined): void {
  if (path === undefined) return;
  try {
    // The node deletes a stale file on bind but leaves its socket behind on exit: tidy up our own.
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // already gone
  }
}

const RUST_LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error']);

/**
 * SLIM's node configuration (the format of its `--config` file; JSON is valid YAML) for a node that
 * serves `endpoint` and dials the controller. Header MACs stay off on the data-plane server as in
 * runServer mode below: edge links from applications never carry them.
 */
function controllerModeConfig(request: NodeStartRequest & { controller: NonNullable<NodeStartRequest['controller']> }): string {
  const rustLog = process.env['RUST_LOG'] ?? 'warn';
  const { token, caFile } = request.controller;
  const scheme = caFile === undefined ? 'http' : 'https';
  const controllerEndpoint = /^[a-z]+:\/\//i.test(request.controller.endpoint) ? request.controller.endpoint : `${scheme}://${request.controller.endpoint}`;
  // The token rides in a header on the control stream; with a CA the controller's certificate is verified.
  const controllerClient = {
    endpoint: controllerEndpoint,
    tls: caFile === undefined ? { insecure: true } : { insecure: false, ca_source: { type: 'file', path: caFile } },
    ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
  };
  return JSON.stringify({
    tracing: { log_level: RUST_LEVELS.has(rustLog) ? rustLog : 'warn', display_thread_names: false, display_thread_ids: false },
    runtime: { n_cores: 0, thread_name: 'slim-node', drain_timeout: '2s' },
    services: {
      'slim/0': {
        node_id: request.controller.nodeId,
        dataplane: { servers: [{ endpoint: request.endpoint, require_header_mac: false, tls: { insecure: true } }], clients: [] },
        controller: { clients: [controllerClient] },
      },
    },
  });
}

function startFailure(request: NodeStartRequest, error: unknown): Promise<never> {
  const detail = errorText(error);
  const inUse = /address already in use|os error 98|os error 48|EADDRINUSE/i.test(detail);
  return inUse
    ? fail('NODE_ADDRESS_IN_USE', `The address ${request.endpoint} is already in use.`, detail, 3)
    : fail('NODE_START_FAILED', 'The SLIM node could not start.', detail, 2);
}

async function serve(request: NodeStartRequest): Promise<void> {
  const specifier: string = '@agntcy/slim-bindings';
  let slim: SlimBindings;
  try {
    slim = ((await import(specifier)) as { default: SlimBindings }).default;
  } catch (error) {
    return fail('NODE_START_FAILED', 'The SLIM bindings could not be loaded.', errorText(error), 2);
  }
  const socketPath = unixPath(request.endpoint);
  if (socketPath !== undefined) {
    // Owner-only from the moment the socket file exists (other local users could otherwise connect, read
    // the subscription table or subscribe to our names); chmod after bind below makes sure of it.
    process.umask(0o077);
  }
  let service: SlimService;
  if (request.controller !== undefined) {
    if (request.auth !== undefined) return fail('NODE_START_FAILED', 'A node wired by a controller cannot require Basic auth yet.', 'auth + controller', 2);
    const dir = mkdtempSync(join(tmpdir(), 'kz-slim-cfg-'));
    const path = join(dir, 'config.yaml');
    try {
      writeFileSync(path, controllerModeConfig({ ...request, controller: request.controller }), { mode: 0o600 });
      // Starts the data-plane server and the controller client as configured; throws on failure.
      slim.initializeFromConfigWithError(path);
    } catch (error) {
      return startFailure(request, error);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    service = slim.getGlobalService();
  } else {
    try {
      slim.initializeWithDefaults();
    } catch (error) {
      return fail('NODE_START_FAILED', 'The SLIM bindings could not be loaded.', errorText(error), 2);
    }
    const config = slim.newInsecureServerConfig(request.endpoint);
    // Header MACs protect node-to-node links; application (edge) links never carry them, and the node's
    // message processor already runs without them. Saying so explicitly avoids a start-up warning.
    config.requireHeaderMac = false;
    if (request.auth !== undefined) config.auth = new slim.ServerAuthenticationConfig.Basic({ config: request.auth });
    service = slim.getGlobalService();
    try {
      service.runServer(config);
    } catch (error) {
      return startFailure(request, error);
    }
  }
  if (socketPath !== undefined) {
    try {
      chmodSync(socketPath, 0o600);
    } catch (error) {
      service.stopServer(request.endpoint);
      return fail('NODE_START_FAILED', 'The node socket could not be made private.', errorText(error), 2);
    }
  }
  // runServer returns once bound and does not keep Node's event loop alive; this handle does.
  const keepAlive = setInterval(() => undefined, 60_000);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    try {
      service.stopServer(request.endpoint);
      service.shutdown();
    } catch {
      // exiting anyway
    }
    removeSocketFile(socketPath);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  await report({ type: 'ready', endpoint: request.endpoint, pid: process.pid, version: slim.getVersion() });
}

function argValue(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function requestFromArgv(): NodeStartRequest {
  const endpoint = argValue('--endpoint');
  const controller = argValue('--controller');
  const nodeId = argValue('--node-id');
  const username = process.env['KIZUNA_SLIM_NODE_USERNAME'];
  const password = process.env['KIZUNA_SLIM_NODE_PASSWORD'];
  return nodeStartRequestSchema.parse({
    type: 'start',
    endpoint,
    ...(username && password ? { auth: { username, password } } : {}),
    ...(controller ? { controller: { endpoint: controller, nodeId: nodeId ?? `slim/${process.pid}` } } : {}),
  });
}

if (process.send === undefined) {
  await serve(requestFromArgv());
} else {
  // Until started, a vanished parent means nobody will ever send 'start'.
  const onEarlyDisconnect = (): void => process.exit(0);
  const onMessage = (raw: unknown): void => {
    process.off('message', onMessage);
    process.off('disconnect', onEarlyDisconnect);
    const parsed = nodeStartRequestSchema.safeParse(raw);
    if (!parsed.success) {
      void fail('NODE_START_FAILED', 'The node received an invalid start request.', parsed.error.message, 2);
      return;
    }
    void serve(parsed.data);
  };
  process.on('message', onMessage);
  process.once('disconnect', onEarlyDisconnect);
}
