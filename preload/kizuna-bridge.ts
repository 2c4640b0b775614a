/**
 * What the preload exposes as `window.kizuna`, built from an injected ipcRenderer so it can be tested
 * without Electron. Only the contract gets through: request names are checked against the contract's
 * REQUESTS before anything is sent, event names against its events, and listeners receive the payload alone (never
 * Electron's event object, never ipcRenderer).
 *
 * Errors: Electron's contextBridge keeps only the message of Error objects, so a refused request is
 * rejected with a plain object `{ name: 'KizunaError', code, message, details? }` (see ipc-client.ts).
 */
import { createKizunaClient, toPlainError, type KizunaTransport } from '../shared/ipc/ipc-client.js';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type KizunaApi } from '../shared/ipc/ipc-contract.js';
import { pushedEventsIn } from '../shared/ipc/pushed-events.js';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createPreloadTransport(ipc: IpcRendererLike): KizunaTransport {
  return {
    request: (name, input) => ipc.invoke(IPC_INVOKE_CHANNEL, name, input),
    subscribe(listener) {
      // The shell sends a loop turn's events as one message: [{ event, payload }, …] (ipc-relay.ts).
      const onEvent = (_event: unknown, events: unknown): void => {
        for (const { event, payload } of pushedEventsIn(events)) listener(event, payload);
      };
      ipc.on(IPC_EVENT_CHANNEL, onEvent as (event: unknown, ...args: unknown[]) => void);
      return () => void ipc.removeListener(IPC_EVENT_CHANNEL, onEvent as (event: unknown, ...args: unknown[]) => void);
    },
  };
}

export function createPreloadApi(ipc: IpcRendererLike): KizunaApi {
  const client = createKizunaClient(createPreloadTransport(ipc), { host: 'electron', stickyEvents: ['deep-link'], heartbeat: {} });
  const api: KizunaApi = {
    host: 'electron',
    invoke: (name, input) => client.invoke(name, input).catch((err: unknown) => Promise.reject(toPlainError(err))),
    on: (event, listener) => {
      try {
        return client.on(event, listener);
      } catch (err) {
        // Plain data survives the contextBridge; an Error would lose its code.
        throw toPlainError(err);
      }
    },
    // The core runs in the shell's worker: a crashed worker answers HOST_UNAVAILABLE, a stuck one not at all.
    watchLink: (listener) => {
      try {
        return client.watchLink(listener);
      } catch (err) {
        throw toPlainError(err);
      }
    },
  };
  return Object.freeze(api);
}
