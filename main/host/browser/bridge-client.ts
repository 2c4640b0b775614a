/**
 * The page side of the browser host: a WebSocket transport for the shared Kizuna client, installed
 * as `window.kizuna` by /kizuna-bridge.js before the renderer's own script runs. It only uses what
 * browsers and the `ws` package both offer, so tests run it in Node against the real host.
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createKizunaClient, type KizunaTransport } from '../../../shared/ipc/ipc-client.js';
import type { KizunaApi, RequestName } from '../../../shared/ipc/ipc-contract.js';
import { BRIDGE_PATH, TOKEN_PARAM, type ClientFrame } from './bridge-protocol.js';

const OPEN = 1;

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown }) => void): void;
}

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

export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: unknown) => void }>();
  const waitingForOpen = new Set<{ resolve: () => void; reject: (e: unknown) => void }>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  let socket: SocketLike | undefined;
  let nextId = 1;
  let attempt = 0;
  let closedForGood = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const unavailable = (): KizunaError => new KizunaError('HOST_UNAVAILABLE');

  function open(): void {
    if (closedForGood) return;
    const s = options.connect();
    socket = s;
    s.addEventListener('open', () => {
      if (socket !== s) return;
      attempt = 0;
      for (const w of [...waitingForOpen]) w.resolve();
      waitingForOpen.clear();
    });
    s.addEventListener('message', (event) => {
      if (socket !== s) return;
      onFrame(event.data);
    });
    s.addEventListener('close', () => {
      if (socket !== s) return;
      socket = undefined;
      // Requests in flight may or may not have run; the UI is told the host was lost.
      for (const p of pending.values()) p.reject(unavailable());
      pending.clear();
      scheduleReconnect();
    });
    // 'error' is always followed by 'close'.
    s.addEventListener('error', () => undefined);
  }

  function scheduleReconnect(): void {
    if (closedForGood || reconnectTimer !== undefined) return;
    const delay = backoff[Math.min(attempt, backoff.length - 1)] ?? 1000;
    attempt += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      open();
    }, delay);
  }

  function onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const f = frame as { type?: unknown; id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    if (f.type === 'result' && typeof f.id === 'number') {
      const p = pending.get(f.id);
      if (p === undefined) return;
      pending.delete(f.id);
      p.resolve(f.result);
    } else if (f.type === 'event' && typeof f.event === 'string') {
      for (const listener of [...eventListeners]) listener(f.event, f.payload);
    }
  }

  function whenOpen(): Promise<void> {
    if (socket !== undefined && socket.readyState === OPEN) return Promise.resolve();
    if (closedForGood) return Promise.reject(unavailable());
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        waitingForOpen.delete(waiter);
        reject(unavailable());
      }, connectTimeoutMs);
      waitingForOpen.add(waiter);
    });
  }

  open();

  return {
    get connected() {
      return socket !== undefined && socket.readyState === OPEN;
    },
    async request(name: RequestName, input: unknown): Promise<unknown> {
      await whenOpen();
      const s = socket;
      if (s === undefined) throw unavailable();
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
    close() {
      closedForGood = true;
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      for (const w of [...waitingForOpen]) w.reject(unavailable());
      waitingForOpen.clear();
      for (const p of pending.values()) p.reject(unavailable());
      pending.clear();
      socket?.close(1000, 'closed');
      socket = undefined;
    },
  };
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
  const api = Object.freeze(createKizunaClient(transport, { host: 'browser', stickyEvents: ['deep-link'] }));
  Object.defineProperty(g, 'kizuna', { value: api, writable: false, configurable: false, enumerable: true });
  const params = new URLSearchParams(g.location.search);
  if (params.has(TOKEN_PARAM) && g.history !== undefined) {
    params.delete(TOKEN_PARAM);
    const search = params.toString();
    g.history.replaceState(null, '', `${g.location.pathname}${search === '' ? '' : `?${search}`}${g.location.hash}`);
  }
  return api;
}
