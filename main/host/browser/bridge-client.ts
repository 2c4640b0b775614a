/**
 * The page side of the browser host: a WebSocket transport for the shared Kizuna client, installed
 * as `window.kizuna` by /kizuna-bridge.js before the renderer's own script runs. It only uses what
 * browsers and the `ws` package both offer, so tests run it in Node against the real host.
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createKizunaClient, type KizunaTransport } from '../../../shared/ipc/ipc-client.js';
import type { KizunaApi, RequestName } from '../../../shared/ipc/ipc-contract.js';
import { pushedEventsIn } from '../../../shared/ipc/pushed-events.js';
import { BridgeConnection, hostUnavailable, type SocketLike } from './bridge-connection.js';
import { BRIDGE_PATH, TOKEN_PARAM, type BridgeEvent, type ClientFrame } from './bridge-protocol.js';

export interface WebSocketTransportOptions {
  /** Opens a new socket to the host's bridge. */
  connect: () => SocketLike;
  /** Delays before reconnection attempts, in ms; the last one repeats. */
  backoffMs?: readonly number[];
  /** How long a request waits for a connection before it fails with HOST_UNAVAILABLE. */
  connectTimeoutMs?: number;
}

export interface WebSocketTransport extends KizunaTransport {
  readonly connected: boolean;
  /** Closes the socket for good (no reconnection); pending requests fail with HOST_UNAVAILABLE. */
  close(): void;
}

const DEFAULT_BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000] as const;

/**
 * Requests and events over the bridge socket (bridge-protocol.ts): each request gets an id and waits
 * for the result with that id; a socket that drops fails the requests in flight on it (they may or
 * may not have run) and the connection reconnects for the next ones.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: unknown) => void }>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const channelListeners = new Set<(open: boolean) => void>();
  const tellChannel = (open: boolean): void => {
    for (const l of [...channelListeners]) l(open);
  };
  let nextId = 1;
  const failPending = (): void => {
    for (const p of pending.values()) p.reject(hostUnavailable());
    pending.clear();
  };

  const onMessage = (data: unknown): void => {
    const frame = readServerFrame(data);
    if (frame?.type === 'result') {
      const p = pending.get(frame.id);
      if (p === undefined) return;
      pending.delete(frame.id);
      p.resolve(frame.result);
    } else if (frame?.type === 'events') {
      for (const { event, payload } of frame.events) for (const listener of [...eventListeners]) listener(event, payload);
    }
  };
  const connection = new BridgeConnection({
    connect: options.connect,
    backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    onMessage,
    onLost: () => {
      failPending();
      tellChannel(false);
    },
    onOpened: () => tellChannel(true),
  });

  return {
    get connected() {
      return connection.connected;
    },
    async request(name: RequestName, input: unknown): Promise<unknown> {
      const s = await connection.whenOpen();
      const id = nextId++;
      const frame: ClientFrame = { type: 'invoke', id, name, input };
      const text = JSON.stringify(frame);
      return new Promise<unknown>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        try {
          s.send(text);
        } catch (err) {
          pending.delete(id);
          reject(new KizunaError('HOST_UNAVAILABLE', undefined, undefined, { cause: err }));
        }
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    watchChannel(listener) {
      channelListeners.add(listener);
      return () => void channelListeners.delete(listener);
    },
    close() {
      connection.close();
      failPending();
    },
  };
}

/** A frame from the host, shallowly checked (the client checks each result again); null when it is not one. */
function readServerFrame(data: unknown): { type: 'result'; id: number; result: unknown } | { type: 'events'; events: BridgeEvent[] } | null {
  if (typeof data !== 'string') return null;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null) return null;
  const f = frame as { type?: unknown; id?: unknown; result?: unknown; events?: unknown };
  if (f.type === 'result' && typeof f.id === 'number') return { type: 'result', id: f.id, result: f.result };
  if (f.type === 'events' && Array.isArray(f.events)) return { type: 'events', events: pushedEventsIn(f.events) };
  return null;
}

/** The WebSocket URL of the bridge, given the page's location (the token rides along when the page has it). */
export function bridgeUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${BRIDGE_PATH}${token === null ? '' : `?${TOKEN_PARAM}=${encodeURIComponent(token)}`}`;
}

/** The parts of a browser's global object the bridge uses. */
export interface BrowserGlobals {
  location: { protocol: string; host: string; search: string; pathname: string; hash: string };
  history?: { replaceState(data: unknown, unused: string, url?: string): void };
  WebSocket: new (url: string) => SocketLike;
  kizuna?: KizunaApi;
}

/**
 * Defines `window.kizuna` (read-only) from a WebSocket transport. The token is then removed from the
 * address bar: the host has set an HttpOnly cookie, so reloads and the socket still authenticate.
 */
export function installBrowserKizuna(g: BrowserGlobals): KizunaApi {
  const url = bridgeUrl(g.location);
  const transport = createWebSocketTransport({ connect: () => new g.WebSocket(url) });
  const api = Object.freeze(createKizunaClient(transport, { host: 'browser', stickyEvents: ['deep-link'], heartbeat: {} }));
  Object.defineProperty(g, 'kizuna', { value: api, writable: false, configurable: false, enumerable: true });
  const params = new URLSearchParams(g.location.search);
  if (params.has(TOKEN_PARAM) && g.history !== undefined) {
    params.delete(TOKEN_PARAM);
    const search = params.toString();
    g.history.replaceState(null, '', `${g.location.pathname}${search === '' ? '' : `?${search}`}${g.location.hash}`);
  }
  return api;
}
