/**
 * Whether the process holding the profile (the web host, or the desktop shell's core) still answers,
 * as the UI's bridge sees it: a heartbeat (a cheap request on the same channel as every other) every
 * `intervalMs`; one left unanswered for `timeoutMs`, or a transport that says its channel dropped,
 * marks the link down, and the next answer marks it up again. Plain timers only, so it runs in the
 * preload, in a page and in Node tests alike.
 */
export interface HostLink {
  /** Whether the last heartbeat was answered (true until one is missed). */
  readonly up: boolean;
  /** Calls `listener` with the state now (after this returns) and on every change; returns a stop function. */
  watch(listener: (up: boolean) => void): () => void;
}

export interface HostHeartbeatOptions {
  /** One heartbeat: resolves when the host answered (whatever it said), rejects or hangs when it cannot. */
  ping: () => Promise<unknown>;
  intervalMs?: number;
  timeoutMs?: number;
}

export interface HostHeartbeat extends HostLink {
  /** The transport saw its channel drop (down now) or come back (a heartbeat at once decides). */
  channelDown(): void;
  channelUp(): void;
  stop(): void;
}

export const HEARTBEAT_INTERVAL_MS = 1_500;
export const HEARTBEAT_TIMEOUT_MS = 3_000;

export function startHostHeartbeat(o: HostHeartbeatOptions): HostHeartbeat {
  const intervalMs = o.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const timeoutMs = o.timeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  const listeners = new Set<(up: boolean) => void>();
  let up = true;
  let stopped = false;
  let inFlight = false;
  let round = 0;

  const set = (next: boolean): void => {
    if (next === up || stopped) return;
    up = next;
    for (const l of [...listeners]) {
      try {
        l(next);
      } catch {
        // One broken listener must not stop the others.
      }
    }
  };

  const beat = (): void => {
    if (stopped || inFlight) return;
    inFlight = true;
    const mine = ++round;
    const timer = setTimeout(() => {
      if (mine === round) set(false);
    }, timeoutMs);
    const settle = (answered: boolean): void => {
      clearTimeout(timer);
      if (mine === round) inFlight = false;
      // Any answer, even a late one, shows the host alive; a failure counts only for the latest beat.
      if (answered) set(true);
      else if (mine === round) set(false);
    };
    o.ping().then(
      () => settle(true),
      () => settle(false),
    );
  };
  const interval = setInterval(beat, intervalMs);
  beat();

  return {
    get up() {
      return up;
    },
    watch(listener) {
      listeners.add(listener);
      queueMicrotask(() => {
        if (listeners.has(listener)) listener(up);
      });
      return () => void listeners.delete(listener);
    },
    channelDown() {
      set(false);
    },
    channelUp() {
      inFlight = false;
      beat();
    },
    stop() {
      stopped = true;
      clearInterval(interval);
      listeners.clear();
    },
  };
}

/** The link of a host that cannot lose its UI's channel (and tests' fakes): always up. */
export const ALWAYS_UP: HostLink = {
  up: true,
  watch(listener) {
    queueMicrotask(() => listener(true));
    return () => undefined;
  },
};
