import { KizunaError, type SerializedError } from '../errors/kizuna-error.js';
import type {
  EventName,
  EventPayloads,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  IpcResult,
  KizunaApi,
  RequestInput,
  RequestName,
  RequestOutput,
} from './ipc-contract.js';

/**
 * The one client behind `window.kizuna`, for both hosts: the Electron preload (over ipcRenderer) and
 * the browser host (over a WebSocket). A transport only moves requests, results and events; this
 * client checks names against the contract, turns a refused request into a thrown KizunaError and
 * fans events out to listeners, so the renderer sees the same behaviour in either host.
 */
export interface KizunaTransport {
  /**
   * Sends one request. Resolves with what the host answered (the client checks that it is an
   * IpcResult, whichever transport carried it); rejects only when the host cannot be reached.
   */
  request(name: RequestName, input: unknown): Promise<unknown>;
  /** Starts delivering every pushed event to `listener`; returns a function that stops it. */
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
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
}

/**
 * The contract's channel names, restated so that the preload need not bundle the contract's schemas;
 * the types make them equal to the contract's (a different string is a type error).
 */
export const INVOKE_CHANNEL: typeof IPC_INVOKE_CHANNEL = 'kizuna:invoke';
export const EVENT_CHANNEL: typeof IPC_EVENT_CHANNEL = 'kizuna:event';

/**
 * The allowlists, as tables the compiler checks against the contract (a name missing or extra here is
 * a type error), so that the preload and the page bridge do not have to bundle the contract's schemas.
 */
const REQUEST_TABLE = {
  'identity.get': true,
  'identity.create': true,
  'identity.rename': true,
  'identity.export': true,
  'identity.restore': true,
  'contacts.list': true,
  'contacts.listBlocked': true,
  'contacts.add': true,
  'contacts.remove': true,
  'contacts.block': true,
  'contacts.unblock': true,
  'groups.list': true,
  'groups.get': true,
  'groups.create': true,
  'groups.addMembers': true,
  'groups.removeMembers': true,
  'groups.rename': true,
  'groups.setAvatar': true,
  'groups.leave': true,
  'groups.delete': true,
  'groups.rotateKeys': true,
  'groups.setMuted': true,
  'invitations.list': true,
  'invitations.accept': true,
  'invitations.decline': true,
  'messages.latest': true,
  'messages.before': true,
  'messages.after': true,
  'messages.around': true,
  'messages.onDay': true,
  'messages.search': true,
  'messages.get': true,
  'messages.sendText': true,
  'messages.sendFile': true,
  'messages.readFile': true,
  'messages.markRead': true,
  'messages.receipts': true,
  'messages.pin': true,
  'messages.unpin': true,
  'messages.listPins': true,
  'messages.typing': true,
  'messages.retry': true,
  'messages.cancel': true,
  'connection.status': true,
  'settings.get': true,
  'settings.set': true,
} as const satisfies Record<RequestName, true>;

const EVENT_TABLE = {
  message: true,
  'send-state': true,
  group: true,
  invitation: true,
  typing: true,
  receipt: true,
  pin: true,
  file: true,
  unread: true,
  connection: true,
  'deep-link': true,
} as const satisfies Record<EventName, true>;

/** Every request name the client lets through (the same set as the contract's REQUEST_NAMES). */
export const CLIENT_REQUEST_NAMES = Object.keys(REQUEST_TABLE) as RequestName[];
/** Every event name the client delivers (the same set as the contract's EVENT_NAMES). */
export const CLIENT_EVENT_NAMES = Object.keys(EVENT_TABLE) as EventName[];

const REQUEST_NAME_SET: ReadonlySet<string> = new Set(CLIENT_REQUEST_NAMES);
const EVENT_NAME_SET: ReadonlySet<string> = new Set(CLIENT_EVENT_NAMES);

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && REQUEST_NAME_SET.has(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && EVENT_NAME_SET.has(value);
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

  return { invoke, on, host: options.host };
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
