/**
 * The page's one socket to the browser host, kept open: reconnects with backoff when it drops, and
 * lets callers wait (bounded) until it is open. What travels on it is bridge-client.ts's business.
 * Uses only what browsers and the `ws` package both offer.
 */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { rejectAll, resolveAll, waitWithDeadline, type Waiter } from '../../core/transport/deadline-waiter.js';

const OPEN = 1;

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown }) => void): void;
}

export interface BridgeConnectionOptions {
  /** Opens a new socket to the host's bridge. */
  connect: () => SocketLike;
  /** Delays before reconnection attempts, in ms; the last one repeats. */
  backoffMs: readonly number[];
  /** How long whenOpen() waits before it fails with HOST_UNAVAILABLE. */
  connectTimeoutMs: number;
  /** A message arrived on the current socket. */
  onMessage: (data: unknown) => void;
  /** The current socket closed (requests in flight on it are lost). */
  onLost: () => void;
  /** A socket opened (the first, or one after a reconnection). */
  onOpened?: () => void;
}

export const hostUnavailable = (): KizunaError => new KizunaError('HOST_UNAVAILABLE');

export class BridgeConnection {
  private socket: SocketLike | undefined;
  private attempt = 0;
  private closedForGood = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly waiting = new Set<Waiter>();

  constructor(private readonly o: BridgeConnectionOptions) {
    this.open();
  }

  get connected(): boolean {
    return this.socket !== undefined && this.socket.readyState === OPEN;
  }

  /** The open socket, once there is one (at most connectTimeoutMs from now). */
  async whenOpen(): Promise<SocketLike> {
    if (!this.connected) await this.waitForOpen();
    const s = this.socket;
    if (s === undefined) throw hostUnavailable();
    return s;
  }

  /** Closes the socket for good (no reconnection); waiters fail with HOST_UNAVAILABLE. */
  close(): void {
    this.closedForGood = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    rejectAll(this.waiting, hostUnavailable());
    this.socket?.close(1000, 'closed');
    this.socket = undefined;
  }

  private open(): void {
    if (this.closedForGood) return;
    const s = this.o.connect();
    this.socket = s;
    s.addEventListener('open', () => {
      if (this.socket !== s) return;
      this.attempt = 0;
      resolveAll(this.waiting);
      this.o.onOpened?.();
    });
    s.addEventListener('message', (event) => {
      if (this.socket === s) this.o.onMessage(event.data);
    });
    s.addEventListener('close', () => {
      if (this.socket !== s) return;
      this.socket = undefined;
      this.o.onLost();
      this.scheduleReconnect();
    });
    // 'error' is always followed by 'close'.
    s.addEventListener('error', () => undefined);
  }

  private scheduleReconnect(): void {
    if (this.closedForGood || this.reconnectTimer !== undefined) return;
    const delay = this.o.backoffMs[Math.min(this.attempt, this.o.backoffMs.length - 1)] ?? 1000;
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open();
    }, delay);
  }

  private waitForOpen(): Promise<void> {
    if (this.closedForGood) return Promise.reject(hostUnavailable());
    // A waiter leaves the set (and its timer is cleared) once settled: opened, closed or timed out.
    return waitWithDeadline(this.waiting, this.o.connectTimeoutMs, hostUnavailable);
  }
}
