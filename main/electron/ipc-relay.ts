/**
 * Relays the one IPC channel between the app window and the core worker: requests in (from the app's
 * own page only) to `route` (shell-requests.ts: the worker validates every request it gets against
 * the contract), results and events out. Events go out as the worker sends them, a loop turn's at a
 * time (event-batcher.ts): one IPC message and one renderer task for a turn of a burst, not one each.
 * Events gathered go out before a result, so a request's events come first.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type DeepLink, type IpcResult, type PushedEvent } from '../../shared/ipc/ipc-contract.js';
import { createEventBatcher } from '../host/event-batcher.js';
import type { CoreWorker } from '../host/worker/core-worker.js';
import { isAppUrl } from './security-policy.js';
import type { RequestRoute } from './shell-requests.js';

export interface IpcRelay {
  /** Sends a deep link to the UI (held until the page has loaded; the preload holds it until the UI listens). */
  sendDeepLink(link: DeepLink): void;
  dispose(): void;
}

export interface IpcRelayOptions {
  /** Electron's ipcMain (given, so the relay is tested without Electron). */
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>;
  worker: Pick<CoreWorker, 'onEvent'>;
  window: () => BrowserWindow | null;
  /** Answers one request from the page. */
  route: RequestRoute;
}

export function connectIpc(options: IpcRelayOptions): IpcRelay {
  const { worker, ipc } = options;
  const fromOurPage = (event: IpcMainInvokeEvent): boolean => {
    const win = options.window();
    return win !== null && event.sender === win.webContents && event.senderFrame !== null && isAppUrl(event.senderFrame.url);
  };

  const pushed = createEventBatcher<PushedEvent>((events) => {
    const win = options.window();
    if (win === null || win.isDestroyed()) return;
    win.webContents.send(IPC_EVENT_CHANNEL, events);
  });
  // The worker's and the shell's events are pairs the contract ties (WorkerEventArgs, DeepLink); restated as one.
  const send = (event: PushedEvent['event'], payload: PushedEvent['payload']): void => pushed.add({ event, payload } as PushedEvent);

  ipc.handle(IPC_INVOKE_CHANNEL, async (event, name: unknown, input: unknown): Promise<IpcResult<unknown>> => {
    if (!fromOurPage(event)) return { ok: false, error: new KizunaError('HOST_FORBIDDEN').toJSON() };
    const result = await options.route(name, input);
    pushed.flush();
    return result;
  });

  const stopEvents = worker.onEvent(send);

  let loaded = false;
  const heldLinks: DeepLink[] = [];
  const markLoaded = (): void => {
    loaded = true;
    for (const link of heldLinks.splice(0)) send('deep-link', link);
  };
  const win = options.window();
  if (win !== null) {
    if (!win.webContents.isLoading()) markLoaded();
    win.webContents.on('did-finish-load', markLoaded);
    win.webContents.on('did-start-loading', () => {
      loaded = false;
    });
  }

  return {
    sendDeepLink(link) {
      if (loaded) send('deep-link', link);
      else heldLinks.push(link);
    },
    dispose() {
      stopEvents();
      ipc.removeHandler(IPC_INVOKE_CHANNEL);
    },
  };
}
