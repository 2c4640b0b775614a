import { KizunaError, type SerializedError } from '../errors/kizuna-error.js';
import {
  isEventName,
  isRequestName,
  type EventName,
  type EventPayloads,
  type IpcResult,
  type KizunaApi,
  type RequestInput,
  type RequestName,
  type RequestOutput,
} from './ipc-contract.js';
import { ALWAYS_UP, startHostHeartbeat, type HostHeartbeat } from './host-link.js';

/**
 * The one client behind `window.kizuna`, for both hosts: the Electron preload (over ipcRenderer) and
 * the browser host (over a WebSocket). A transport only moves requests, results and events; this
 * client checks names against the contract (its own names, not a copy: the contract holds no schema
 * at run time, so the bundles stay small), turns a refused request into a thrown KizunaError and fans
 * events out to listeners, so the renderer sees the same behaviour in either host.
 */
export interface KizunaTransport {
  /**
   * Sends one request. Resolves with what the host answered (the client checks that it is an
   * IpcResult, whichever transport carried it); rejects only when the host cannot be reached.
   */
  request(name: RequestName, input: unknown): Promise<unknown>;
  /** Starts delivering every pushed event to `listener`; returns a function that stops it. */
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
  /** When the transport's channel itself opens or drops (a socket), so the link need not wait for a heartbeat. */
  watchChannel?(listener: (open: boolean) => void): () => void;
}

export interface KizunaClientOptions {
  host: KizunaApi['host'];
  /**
   * Events kept while nobody listens for them and handed to the first listener that subscribes (at
   * most `stickyLimit` of each, oldest first). The shell uses it for `deep-link`: a link that launched
   * the app arrives before the UI has mounted.
   */
  stickyEvents?: readonly EventName[];
  stickyLimit?: number;
  /**
   * Heartbeat timing for `watchLink` (host-link.ts); without it the link is always up (a fake host).
   * The heartbeat starts with the first watcher, so a client nobody watches sends nothing extra.
   */
  heartbeat?: { intervalMs?: number; timeoutMs?: number };
}

/** A well-formed IpcResult (the hosts' replies are checked before they are believed). */
export function isIpcResult(value: unknown): value is IpcResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; value?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  return v.ok === false && typeof v.error === 'object' && v.error !== null;
}

/**
 * What a rejected `invoke` carries, in both hosts: `code` (an ErrorCode), `message` (a sentence a
 * person understands) and sometimes `details`. In the browser host it is a KizunaError; through
 * Electron's contextBridge it arrives as a plain object of the same shape (the bridge keeps only the
 * message of Error objects, so the preload rejects with plain data). Check `code`, not `instanceof`.
 */
export type KizunaErrorLike = SerializedError & { name: 'KizunaError' };

export function isKizunaErrorLike(value: unknown): value is KizunaErrorLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/** Plain-data copy of an error for crossing Electron's contextBridge (which drops custom properties of Errors). */
export function toPlainError(error: unknown): KizunaErrorLike {
  const k = error instanceof KizunaError ? error : KizunaError.fromJSON(error);
  const plain = k.toJSON();
  return plain.details === undefined
    ? { name: 'KizunaError', code: plain.code, message: plain.message }
    : { name: 'KizunaError', code: plain.code, message: plain.message, details: plain.details };
}

export function createKizunaClient(transport: KizunaTransport, options: KizunaClientOptions): KizunaApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const sticky = new Set<EventName>(options.stickyEvents ?? []);
  const stickyLimit = options.stickyLimit ?? 16;
  const held = new Map<EventName, unknown[]>();

  const deliver = (event: string, payload: unknown): void => {
    if (!isEventName(event)) return;
    const set = listeners.get(event);
    if (set === undefined || set.size === 0) {
      if (!sticky.has(event)) return;
      const queue = held.get(event) ?? [];
      queue.push(payload);
      if (queue.length > stickyLimit) queue.shift();
      held.set(event, queue);
      return;
    }
    for (const listener of [...set]) callSafely(listener, payload);
  };
  transport.subscribe(deliver);

  async function invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    if (!isRequestName(name)) {
      throw new KizunaError('INVALID_INPUT', 'Unknown request.', { name: typeof name === 'string' ? String(name).slice(0, 64) : typeof name });
    }
    let result: unknown;
    try {
      result = await transport.request(name, input === undefined ? {} : input);
    } catch (err) {
      throw err instanceof KizunaError ? err : new KizunaError('HOST_UNAVAILABLE', undefined, undefined, { cause: err });
    }
    if (!isIpcResult(result)) throw new KizunaError('INTERNAL', 'The host sent a reply that is not a result.');
    if (!result.ok) throw KizunaError.fromJSON(result.error);
    return result.value as RequestOutput<N>;
  }

  function on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    if (!isEventName(event)) throw new KizunaError('INVALID_INPUT', 'Unknown event.', { event: String(event).slice(0, 64) });
    if (typeof listener !== 'function') throw new KizunaError('INVALID_INPUT', 'An event listener must be a function.');
    const wrapped = (payload: unknown): void => listener(payload as EventPayloads[E]);
    let set = listeners.get(event);
    if (set === undefined) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(wrapped);
    const pending = held.get(event);
    if (pending !== undefined) {
      held.delete(event);
      // After `on` returns, as any other event would be.
      queueMicrotask(() => {
        for (const payload of pending) if (listeners.get(event)?.has(wrapped) === true) callSafely(wrapped, payload);
      });
    }
    return () => {
      listeners.get(event)?.delete(wrapped);
    };
  }

  let heartbeat: HostHeartbeat | undefined;
  function watchLink(listener: (up: boolean) => void): () => void {
    if (typeof listener !== 'function') throw new KizunaError('INVALID_INPUT', 'A link listener must be a function.');
    if (options.heartbeat === undefined) return ALWAYS_UP.watch(listener);
    heartbeat ??= startClientHeartbeat(transport, options.heartbeat);
    return heartbeat.watch(listener);
  }

  return { invoke, on, host: options.host, watchLink };
}

/**
 * The heartbeat is a real request on the same channel (`connection.status`: cheap, answered by the
 * core itself), so it proves what a Send needs: that requests reach the core and come back. A host
 * whose core is gone answers HOST_UNAVAILABLE, which counts as no answer.
 */
function startClientHeartbeat(transport: KizunaTransport, timing: { intervalMs?: number; timeoutMs?: number }): HostHeartbeat {
  const beat = startHostHeartbeat({
    ...timing,
    ping: async () => {
      const result = await transport.request('connection.status', {});
      if (!isIpcResult(result) || (!result.ok && result.error.code === 'HOST_UNAVAILABLE')) throw new KizunaError('HOST_UNAVAILABLE');
    },
  });
  transport.watchChannel?.((open) => (open ? beat.channelUp() : beat.channelDown()));
  return beat;
}

/** A throwing listener must not stop the others (nor the transport); its error is reported asynchronously. */
function callSafely(listener: (payload: unknown) => void, payload: unknown): void {
  try {
    listener(payload);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}
