/**
 * The worker thread that runs the core (started by core-worker.ts): SQLite, MLS and the SLIM session
 * run here, so the thread that owns the window never waits on them. It speaks the messages of
 * core-worker-protocol.ts with its parent and nothing else.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import type { EventName, EventPayloads } from '../../../shared/ipc/ipc-contract.js';
import { openKeyFileWrapper } from '../../core/crypto/local-key/key-file-wrapper.js';
import type { KeyWrapper } from '../../core/crypto/local-key/key-wrapper.js';
import { createOsKeyringWrapper } from '../../core/crypto/local-key/os-keyring-wrapper.js';
import { createPassphraseWrapper } from '../../core/crypto/local-key/passphrase-wrapper.js';
import { createLogger } from '../../core/log/logger.js';
import type { SlimNodeExit, SlimNodeHandle, SlimNodeLaunchOptions } from '../../core/slim-node/slim-node-launcher.js';
import { createKizunaCore } from '../create-core.js';
import type { KizunaCore } from '../kizuna-core.js';
import { dispatchRequest, forwardEvents } from '../request-dispatch.js';
import { createEventBatcher } from '../event-batcher.js';
import {
  hostToWorkerSchema,
  workerEvent,
  type WorkerCore,
  type WorkerEvent,
  type WorkerEventArgs,
  type WorkerKey,
  type WorkerToHost,
} from './core-worker-protocol.js';

const log = createLogger('core-worker');
if (parentPort === null) throw new Error('core-worker-entry must run in a worker thread');
const port: MessagePort = parentPort;

const post = (message: WorkerToHost): void => port.postMessage(message);
const events = createEventBatcher<WorkerEvent>((batch) => post({ type: 'events', events: batch }));
/** A result (or the end) goes after the events gathered so far: a request's events come before its answer. */
const postAfterEvents = (message: WorkerToHost): void => {
  events.flush();
  post(message);
};

let core: KizunaCore | undefined;
let stopEvents: (() => void) | undefined;
let closing = false;
const keyringCalls = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (err: Error) => void }>();
let nextKeyringId = 1;

function keyringCall(op: 'protect' | 'unprotect', bytes: Uint8Array): Promise<Uint8Array> {
  const id = nextKeyringId++;
  return new Promise((resolve, reject) => {
    keyringCalls.set(id, { resolve, reject });
    post({ type: 'keyring-call', id, op, bytes });
  });
}

interface RelayedNode {
  launched?: { resolve: (node: { pid: number; version: string }) => void; reject: (err: Error) => void };
  resolveExit: (exit: SlimNodeExit) => void;
  output: string[];
}
const nodes = new Map<number, RelayedNode>();
let nextNodeId = 1;

/** An embedded SLIM node started by the host (Electron: a utility process), driven from here. */
function hostLaunchedNode(options: SlimNodeLaunchOptions): Promise<SlimNodeHandle> {
  const id = nextNodeId++;
  let resolveExit: (exit: SlimNodeExit) => void = () => undefined;
  const exited = new Promise<SlimNodeExit>((resolve) => {
    resolveExit = resolve;
  });
  const node: RelayedNode = { resolveExit, output: [] };
  nodes.set(id, node);
  let stopping: Promise<void> | undefined;
  return new Promise<SlimNodeHandle>((resolve, reject) => {
    node.launched = {
      resolve: ({ pid, version }) =>
        resolve({
          endpoint: options.endpoint,
          pid,
          version,
          exited,
          stop() {
            if (stopping === undefined) {
              post({ type: 'node-stop', id });
              stopping = exited.then(() => undefined);
            }
            return stopping;
          },
          kill(signal = 'SIGKILL') {
            post({ type: 'node-kill', id, signal });
          },
          recentOutput: () => [...node.output],
        }),
      reject,
    };
    post({
      type: 'node-launch',
      id,
      options: {
        endpoint: options.endpoint,
        ...(options.auth === undefined ? {} : { auth: { ...options.auth } }),
        ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
        ...(options.stopGraceMs === undefined ? {} : { stopGraceMs: options.stopGraceMs }),
        ...(options.rustLog === undefined ? {} : { rustLog: options.rustLog }),
      },
    });
  });
}

async function keyWrapper(key: WorkerKey): Promise<KeyWrapper> {
  switch (key.kind) {
    case 'os-keyring':
      return createOsKeyringWrapper({ protect: (b) => keyringCall('protect', b), unprotect: (b) => keyringCall('unprotect', b) });
    case 'passphrase':
      return createPassphraseWrapper(key.passphrase);
    case 'key-file':
      return openKeyFileWrapper(key.path, key.create);
  }
}

async function init(dataDir: string, key: WorkerKey, options: WorkerCore): Promise<void> {
  try {
    const embedded = {
      ...(options.embeddedRuntimeDir === undefined ? {} : { runtimeDir: options.embeddedRuntimeDir }),
      ...(options.hostLaunchesNode === true ? { launch: hostLaunchedNode } : {}),
    };
    core = await createKizunaCore({
      dataDir,
      keyWrapper: await keyWrapper(key),
      ...(options.nodeEndpoint === undefined ? {} : { nodeEndpoint: options.nodeEndpoint }),
      ...(options.offline === undefined ? {} : { offline: options.offline }),
      embedded,
    });
    stopEvents = forwardEvents(core, toHost);
    post({ type: 'ready' });
  } catch (err) {
    post({ type: 'init-failed', error: toKizunaError(err).toJSON() });
  }
}

/** forwardEvents' sender: each core event, typed, into the turn's `events` message to the host. */
function toHost(event: EventName, payload: EventPayloads[EventName]): void {
  if (event === 'deep-link') return; // the shell's own event: the core never sends one
  // forwardEvents sends each name with its own payload (its generic signature ties them); here they
  // arrive as two unions, so the pair is restated as the tuple it is.
  const [name, body] = [event, payload] as WorkerEventArgs;
  events.add(workerEvent(name, body));
}

async function close(): Promise<void> {
  if (closing) return;
  closing = true;
  stopEvents?.();
  try {
    await core?.close();
  } catch (err) {
    log.error('closing the core failed', { reason: err instanceof Error ? err.message : String(err) });
  }
  for (const call of keyringCalls.values()) call.reject(new KizunaError('CANCELLED'));
  keyringCalls.clear();
  postAfterEvents({ type: 'closed' });
  port.close();
}

port.on('message', (raw: unknown) => {
  const parsed = hostToWorkerSchema.safeParse(raw);
  if (!parsed.success) {
    log.warn('ignored a malformed message from the host');
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'init':
      if (core === undefined && !closing) void init(message.dataDir, message.key, message.core ?? {});
      return;
    case 'request': {
      const { id } = message;
      if (core === undefined || closing) {
        postAfterEvents({ type: 'result', id, result: { ok: false, error: new KizunaError('HOST_UNAVAILABLE').toJSON() } });
        return;
      }
      void dispatchRequest(core, message.name, message.input).then((result) => postAfterEvents({ type: 'result', id, result }));
      return;
    }
    case 'keyring-reply': {
      const call = keyringCalls.get(message.id);
      if (call === undefined) return;
      keyringCalls.delete(message.id);
      if (message.bytes !== undefined) call.resolve(message.bytes);
      else call.reject(new KizunaError('KEY_PROVIDER_FAILED', message.error ?? undefined));
      return;
    }
    case 'node-launched': {
      const node = nodes.get(message.id);
      if (node?.launched === undefined) return;
      const { launched } = node;
      node.launched = undefined;
      if (message.node !== undefined) launched.resolve(message.node);
      else {
        nodes.delete(message.id);
        launched.reject(KizunaError.fromJSON(message.error));
      }
      return;
    }
    case 'node-exited': {
      const node = nodes.get(message.id);
      if (node === undefined) return;
      nodes.delete(message.id);
      node.output = message.output;
      node.resolveExit({ code: message.exit.code, signal: message.exit.signal as NodeJS.Signals | null });
      return;
    }
    case 'close':
      void close();
      return;
  }
});
