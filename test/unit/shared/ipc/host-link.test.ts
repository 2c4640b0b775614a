import { describe, expect, it } from 'vitest';
import { startHostHeartbeat } from '../../../../shared/ipc/host-link.js';
import { createKizunaClient, type KizunaTransport } from '../../../../shared/ipc/ipc-client.js';

/** Collects a link's states and lets a test wait for the next one to be a given value. */
function linkStates(watch: (l: (up: boolean) => void) => () => void) {
  const seen: boolean[] = [];
  const waiters: { want: boolean; done: () => void }[] = [];
  const stop = watch((up) => {
    seen.push(up);
    for (const w of waiters.splice(0)) {
      if (w.want === up) w.done();
      else waiters.push(w);
    }
  });
  return {
    seen,
    stop,
    next: (want: boolean) => new Promise<void>((done) => waiters.push({ want, done })),
  };
}

describe('host link heartbeat', () => {
  it('goes down when a heartbeat goes unanswered, up at the next answer, and tells watchers the state at once', async () => {
    let answering = true;
    const beat = startHostHeartbeat({ ping: () => (answering ? Promise.resolve() : new Promise(() => undefined)), intervalMs: 10, timeoutMs: 40 });
    try {
      const states = linkStates(beat.watch);
      await Promise.resolve();
      expect(states.seen).toEqual([true]);
      answering = false;
      await states.next(false);
      expect(beat.up).toBe(false);
      answering = true;
      beat.channelUp(); // a stuck beat does not block the next one
      await states.next(true);
      expect(states.seen).toEqual([true, false, true]);
    } finally {
      beat.stop();
    }
  });

  it('a dropped channel is down at once, without waiting for a heartbeat', async () => {
    const beat = startHostHeartbeat({ ping: () => Promise.resolve(), intervalMs: 60_000, timeoutMs: 60_000 });
    try {
      const states = linkStates(beat.watch);
      beat.channelDown();
      expect(beat.up).toBe(false);
      beat.channelUp();
      await states.next(true);
    } finally {
      beat.stop();
    }
  });

  it('through the client: a host that answers HOST_UNAVAILABLE (its core is gone) counts as down', async () => {
    let reply: unknown = { ok: true, value: { state: 'online' } };
    const requests: string[] = [];
    const transport: KizunaTransport = {
      request: (name) => {
        requests.push(name);
        return Promise.resolve(reply);
      },
      subscribe: () => () => undefined,
    };
    const api = createKizunaClient(transport, { host: 'electron', heartbeat: { intervalMs: 10, timeoutMs: 1_000 } });
    expect(requests).toEqual([]); // nobody watches yet: no heartbeat
    const states = linkStates(api.watchLink);
    reply = { ok: false, error: { code: 'HOST_UNAVAILABLE', message: 'gone' } };
    await states.next(false);
    reply = { ok: false, error: { code: 'INVALID_INPUT', message: 'a refusal is still an answer' } };
    await states.next(true);
    expect(new Set(requests)).toEqual(new Set(['connection.status']));
    states.stop();
  });
});
