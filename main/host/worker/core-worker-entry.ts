/**
 * The worker thread that runs the core (started by core-worker.ts): SQLite, MLS and the SLIM session
 * run here, so the thread that owns the window never waits on them. It speaks the messages of
 * core-worker-protocol.ts with its parent and nothing else.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import { createKeyFileWrapper, readOrCreateKeyFile } from '../../core/crypto/local-key/key-file-wrapper.js';
import type { KeyWrapper } from '../../core/crypto/local-key/key-wrapper.js';
import { createOsKeyringWrapper } from '../../core/crypto/local-key/os-keyring-wrapper.js';
import { createPassphraseWrapper } from '../../core/crypto/local-key/passphrase-wrapper.js';
import { loadSodium } from '../../core/crypto/sodium.js';
import { createLogger } from '../../core/log/logger.js';
import { createKizunaCore } from '../create-core.js';
import type { KizunaCore } from '../kizuna-core.js';
import { dispatchRequest, forwardEvents } from '../request-dispatch.js';
import { hostToWorkerSchema, type WorkerKey, type WorkerToHost } from './core-worker-protocol.js';

const log = createLogger('core-worker');
if (parentPort === null) throw new Error('core-worker-entry must run in a worker thread');
const port: MessagePort = parentPort;

const post = (message: WorkerToHost): void => port.postMessage(message);

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

async function keyWrapper(key: WorkerKey): Promise<KeyWrapper> {
  switch (key.kind) {
    case 'os-keyring':
      return createOsKeyringWrapper({ protect: (b) => keyringCall('protect', b), unprotect: (b) => keyringCall('unprotect', b) });
    case 'passphrase':
      return createPassphraseWrapper(key.passphrase);
    case 'key-file':
      await loadSodium();
      return createKeyFileWrapper(await readOrCreateKeyFile(key.path, key.create));
  }
}

async function init(dataDir: string, key: WorkerKey): Promise<void> {
  try {
    core = await createKizunaCore({ dataDir, keyWrapper: await keyWrapper(key) });
    stopEvents = forwardEvents(core, (event, payload) => post({ type: 'event', event, payload }));
    post({ type: 'ready' });
  } catch (err) {
    post({ type: 'init-failed', error: toKizunaError(err).toJSON() });
  }
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
  post({ type: 'closed' });
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
      if (core === undefined && !closing) void init(message.dataDir, message.key);
      return;
    case 'request': {
      const { id } = message;
      if (core === undefined || closing) {
        post({ type: 'result', id, result: { ok: false, error: new KizunaError('HOST_UNAVAILABLE').toJSON() } });
        return;
      }
      void dispatchRequest(core, message.name, message.input).then((result) => post({ type: 'result', id, result }));
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
    case 'close':
      void close();
      return;
  }
});
