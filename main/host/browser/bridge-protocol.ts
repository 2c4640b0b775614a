import type { IpcResult } from '../../../shared/ipc/ipc-contract.js';
import type { PushedEventLike } from '../../../shared/ipc/pushed-events.js';

/**
 * The browser host's WebSocket protocol: JSON text frames carrying `window.kizuna` calls and events.
 *
 *   page → host   { type: 'invoke', id, name, input }
 *   host → page   { type: 'result', id, result: IpcResult }      (one per invoke, any order)
 *   host → page   { type: 'events', events: [{ event, payload }, …] }   (a loop turn's events, in order: event-batcher.ts)
 *
 * The host checks every frame from the page (bridge-frame-schema.ts), then the request itself with the
 * contract (dispatchRequest), exactly as the Electron shell does. This file holds no schema, so the
 * page bundle stays small.
 */
export const BRIDGE_PATH = '/kizuna-bridge';
export const BRIDGE_SCRIPT_PATH = '/kizuna-bridge.js';
export const TOKEN_PARAM = 'token';
export const TOKEN_COOKIE = 'kizuna_token';
/** The largest frame either side accepts (a 100 MiB file is ~140 MB of base64). */
export const MAX_FRAME_BYTES = 160 * 1024 * 1024;

export interface ClientFrame {
  type: 'invoke';
  id: number;
  name: string;
  input?: unknown;
}

export type ServerFrame =
  | { type: 'result'; id: number; result: IpcResult<unknown> }
  | { type: 'events'; events: BridgeEvent[] };

/** One event in an `events` frame. */
export type BridgeEvent = PushedEventLike;

