import { describe, expect, it } from 'vitest';
import { createPreloadApi, type IpcRendererLike } from '../../../preload/kizuna-bridge.js';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type IpcResult } from '../../../shared/ipc/ipc-contract.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** Records what the preload sends and lets the test play the main process. */
function fakeIpcRenderer(reply: (name: unknown, input: unknown) => unknown = () => ({ ok: true, value: null })) {
  const sent: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      sent.push({ channel, args });
      return reply(args[0], args[1]);
    },
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return ipc;
    },
    removeListener: (channel, listener) => {
      listeners.get(channel)?.delete(listener);
      return ipc;
    },
  };
  const emit = (channel: string, ...args: unknown[]): void => {
    const fakeElectronEvent = { sender: { secret: 'ipcRenderer internals' }, ports: [] };
    for (const l of listeners.get(channel) ?? []) l(fakeElectronEvent, ...args);
  };
  return { ipc, sent, emit, listeners };
}

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('preload window.kizuna', () => {
  it('exposes exactly invoke, on, host and watchLink, frozen', () => {
    const api = createPreloadApi(fakeIpcRenderer().ipc);
    expect(Object.keys(api).sort()).toEqual(['host', 'invoke', 'on', 'watchLink']);
    expect(api.host).toBe('electron');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('sends contract requests on the one invoke channel and returns the value', async () => {
    const { ipc, sent } = fakeIpcRenderer(() => ({ ok: true, value: [{ groupId: 'g' }] }) satisfies IpcResult<unknown>);
    const api = createPreloadApi(ipc);
    expect(await api.invoke('groups.list', {})).toEqual([{ groupId: 'g' }]);
    expect(sent).toEqual([{ channel: IPC_INVOKE_CHANNEL, args: ['groups.list', {}] }]);
  });

  it('refuses names outside the contract before anything is sent, as plain {code, message} objects', async () => {
    const { ipc, sent } = fakeIpcRenderer();
    const api = createPreloadApi(ipc);
    for (const name of ['shell.openExternal', 'constructor', '__proto__', 'toString', '', 42]) {
      const err: unknown = await api.invoke(name as never, {} as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, String(name)).toEqual({ name: 'KizunaError', code: 'INVALID_INPUT', message: 'Unknown request.', details: expect.any(Object) });
      // Plain data: it survives Electron's contextBridge with its code (an Error would keep only its message).
      expect(err instanceof Error).toBe(false);
    }
    expect(sent).toEqual([]);
  });

  it('rethrows a refused request as {code, message, details}', async () => {
    const { ipc } = fakeIpcRenderer(() => ({ ok: false, error: { code: 'GROUP_NAME_TOO_LONG', message: 'A group name can be at most 50 characters long.', details: { max: 50 } } }));
    const api = createPreloadApi(ipc);
    await expect(api.invoke('groups.rename', { groupId: 'x'.repeat(43), name: 'y'.repeat(51) })).rejects.toEqual({
      name: 'KizunaError',
      code: 'GROUP_NAME_TOO_LONG',
      message: 'A group name can be at most 50 characters long.',
      details: { max: 50 },
    });
  });

  it('maps a broken main process to HOST_UNAVAILABLE and a malformed reply to INTERNAL', async () => {
    const down = createPreloadApi({
      ...fakeIpcRenderer().ipc,
      invoke: () => Promise.reject(new Error("No handler registered for 'kizuna:invoke'")),
    });
    await expect(down.invoke('groups.list', {})).rejects.toMatchObject({ code: 'HOST_UNAVAILABLE' });
    const odd = createPreloadApi(fakeIpcRenderer(() => 'surprise').ipc);
    await expect(odd.invoke('groups.list', {})).rejects.toMatchObject({ code: 'INTERNAL' });
    const unknownCode = createPreloadApi(fakeIpcRenderer(() => ({ ok: false, error: { code: 'NOT_A_CODE', message: 'x' } })).ipc);
    await expect(unknownCode.invoke('groups.list', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('delivers events by name with the payload only (no Electron event object), and unsubscribes', async () => {
    const { ipc, emit } = fakeIpcRenderer();
    const api = createPreloadApi(ipc);
    const got: unknown[][] = [];
    const off = api.on('typing', (...args: unknown[]) => got.push(args));
    emit(IPC_EVENT_CHANNEL, [{ event: 'typing', payload: { groupId: 'g', userId: 'u', typing: true, at: 1 } }]);
    emit(IPC_EVENT_CHANNEL, [{ event: 'message', payload: { id: 'm' } }]);
    emit(IPC_EVENT_CHANNEL, [{ event: 'not-an-event', payload: { evil: true } }]);
    emit('some:other-channel', [{ event: 'typing', payload: { wrong: 'channel' } }]);
    off();
    emit(IPC_EVENT_CHANNEL, [{ event: 'typing', payload: { groupId: 'g', userId: 'u', typing: false, at: 2 } }]);
    await flush();
    expect(got).toEqual([[{ groupId: 'g', userId: 'u', typing: true, at: 1 }]]);
  });

  it('delivers a turn’s events from one message in order, and skips what is not an event', async () => {
    const { ipc, emit } = fakeIpcRenderer();
    const api = createPreloadApi(ipc);
    const got: unknown[] = [];
    api.on('typing', (t) => got.push(t.at));
    emit(IPC_EVENT_CHANNEL, [
      { event: 'typing', payload: { groupId: 'g', userId: 'u', typing: true, at: 1 } },
      null,
      'typing',
      { event: 42, payload: {} },
      { event: 'typing', payload: { groupId: 'g', userId: 'u', typing: false, at: 2 } },
    ]);
    emit(IPC_EVENT_CHANNEL, 'typing', { groupId: 'g', userId: 'u', typing: true, at: 3 });
    emit(IPC_EVENT_CHANNEL, { event: 'typing', payload: { at: 4 } });
    await flush();
    expect(got).toEqual([1, 2]);
  });

  it('refuses to subscribe to events outside the contract', () => {
    const api = createPreloadApi(fakeIpcRenderer().ipc);
    expect(() => api.on('ipc' as never, () => undefined)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }) as unknown as Error);
    expect(() => api.on('message', 'not a function' as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }) as unknown as Error);
  });

  it('holds deep links that arrive before the UI listens (the link that launched the app)', async () => {
    const { ipc, emit } = fakeIpcRenderer();
    const api = createPreloadApi(ipc);
    emit(IPC_EVENT_CHANNEL, [{ event: 'deep-link', payload: { kind: 'contact', card: 'kizuna://contact/abc' } }]);
    emit(IPC_EVENT_CHANNEL, [{ event: 'message', payload: { id: 'lost on purpose' } }]);
    const links: unknown[] = [];
    const messages: unknown[] = [];
    api.on('message', (m) => messages.push(m));
    api.on('deep-link', (l) => links.push(l));
    await flush();
    expect(links).toEqual([{ kind: 'contact', card: 'kizuna://contact/abc' }]);
    expect(messages).toEqual([]);
  });

  it('keeps delivering to other listeners when one throws', async () => {
    const { ipc, emit } = fakeIpcRenderer();
    const api = createPreloadApi(ipc);
    const seen: unknown[] = [];
    const errors: unknown[] = [];
    const onError = (err: unknown): void => void errors.push(err);
    process.on('uncaughtException', onError);
    try {
      api.on('pin', () => {
        throw new Error('listener bug');
      });
      api.on('pin', (p) => seen.push(p));
      emit(IPC_EVENT_CHANNEL, [{ event: 'pin', payload: { n: 1 } }]);
      await flush();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(seen).toEqual([{ n: 1 }]);
    expect(errors).toHaveLength(1);
  });
});
