import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { connectIpc } from '../../../main/electron/ipc-relay.js';
import { MAX_EVENTS_PER_MESSAGE } from '../../../main/host/event-batcher.js';
import { APP_ORIGIN } from '../../../main/electron/security-policy.js';
import type { WorkerEventArgs } from '../../../main/host/worker/core-worker-protocol.js';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type IpcResult } from '../../../shared/ipc/ipc-contract.js';

/**
 * The shell's relay between the window and the core worker, with Electron's parts played by stand-ins
 * (ipcMain, the window: Electron's binary cannot run here). What it sends the page is what is checked.
 */
type Handler = (event: IpcMainInvokeEvent, name: unknown, input: unknown) => Promise<IpcResult<unknown>>;

function relayWithFakes(route: (name: unknown, input: unknown) => Promise<IpcResult<unknown>>) {
  const handlers = new Map<string, Handler>();
  const ipc = {
    handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
    removeHandler: (channel: string) => void handlers.delete(channel),
  } as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>;
  const sent: { channel: string; args: unknown[] }[] = [];
  const webContents = { send: (channel: string, ...args: unknown[]) => sent.push({ channel, args }), isLoading: () => false, on: () => undefined };
  const window = { isDestroyed: () => false, webContents } as unknown as BrowserWindow;
  let emit: (...e: WorkerEventArgs) => void = () => undefined;
  const worker = {
    onEvent: (listener: (...e: WorkerEventArgs) => void) => {
      emit = listener;
      return () => undefined;
    },
  };
  const relay = connectIpc({ ipc, worker, window: () => window, route });
  const fromPage = { sender: webContents, senderFrame: { url: `${APP_ORIGIN}/index.html` } } as unknown as IpcMainInvokeEvent;
  const invoke = (name: string, input: unknown): Promise<IpcResult<unknown>> => (handlers.get(IPC_INVOKE_CHANNEL) as Handler)(fromPage, name, input);
  return { relay, sent, emit: (...e: WorkerEventArgs) => emit(...e), invoke, handlers };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const typing = (at: number): WorkerEventArgs => ['typing', { groupId: 'g', userId: 'u', typing: true, at }];

describe('ipc relay', () => {
  it('sends the page a loop turn’s events as one message, in order, the deep links among them', async () => {
    const { relay, sent, emit } = relayWithFakes(() => Promise.resolve({ ok: true, value: null }));
    emit(...typing(1));
    relay.sendDeepLink({ kind: 'group', groupId: 'g' });
    emit(...typing(2));
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([
      {
        channel: IPC_EVENT_CHANNEL,
        args: [
          [
            { event: 'typing', payload: typing(1)[1] },
            { event: 'deep-link', payload: { kind: 'group', groupId: 'g' } },
            { event: 'typing', payload: typing(2)[1] },
          ],
        ],
      },
    ]);
    // A burst longer than a message holds: full messages go at once.
    for (let i = 0; i < MAX_EVENTS_PER_MESSAGE + 1; i++) emit(...typing(i));
    expect(sent).toHaveLength(2);
    await nextTurn();
    expect(sent.map((s) => (s.args[0] as unknown[]).length)).toEqual([3, MAX_EVENTS_PER_MESSAGE, 1]);
    relay.dispose();
  });

  it('sends the events a request caused before its result', async () => {
    let emitNow: () => void = () => undefined;
    const { sent, emit, invoke, relay } = relayWithFakes(() => {
      emitNow();
      return Promise.resolve({ ok: true, value: 'done' });
    });
    emitNow = () => emit(...typing(7));
    const result = await invoke('groups.list', {});
    // The handler's return is Electron's reply: by then the event has gone.
    expect(result).toEqual({ ok: true, value: 'done' });
    expect(sent).toEqual([{ channel: IPC_EVENT_CHANNEL, args: [[{ event: 'typing', payload: typing(7)[1] }]] }]);
    relay.dispose();
  });

  it('answers a request from anything but the app’s own page with HOST_FORBIDDEN, unrouted', async () => {
    let routed = 0;
    const { handlers, relay } = relayWithFakes(() => {
      routed++;
      return Promise.resolve({ ok: true, value: null });
    });
    const handler = handlers.get(IPC_INVOKE_CHANNEL) as Handler;
    const foreign = { sender: {}, senderFrame: { url: 'https://example.com/' } } as unknown as IpcMainInvokeEvent;
    expect(await handler(foreign, 'groups.list', {})).toMatchObject({ ok: false, error: { code: 'HOST_FORBIDDEN' } });
    expect(routed).toBe(0);
    relay.dispose();
    expect(handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
  });
});
