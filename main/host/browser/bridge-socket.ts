import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createLogger } from '../../core/log/logger.js';
import type { KizunaCore } from '../kizuna-core.js';
import { createEventBatcher } from '../event-batcher.js';
import { dispatchRequest, forwardEvents } from '../request-dispatch.js';
import { clientFrameSchema } from './bridge-frame-schema.js';
import { BRIDGE_PATH, type BridgeEvent, type ServerFrame } from './bridge-protocol.js';
import type { HostAccess } from './host-access.js';

const log = createLogger('browser-host');

/** Accepts a WebSocket upgrade only to the bridge, from a page of this host, with the token. */
export function bridgeUpgrades(access: HostAccess, wss: WebSocketServer): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const hostHeader = req.headers.host ?? '';
    if (!access.hostAllowed(hostHeader)) return refuse(403, 'Forbidden');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${hostHeader}`);
    } catch {
      return refuse(400, 'Bad Request');
    }
    if (url.pathname !== BRIDGE_PATH) return refuse(404, 'Not Found');
    if (!access.originAllowed(req.headers.origin)) return refuse(403, 'Forbidden');
    if (access.authorised(req, url) === false) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
}

/** One page's socket: its requests go through the contract to the core; the core's events come back. */
export function serveSocket(core: KizunaCore, ws: WebSocket): void {
  const send = (frame: ServerFrame): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    try {
      ws.send(JSON.stringify(frame));
    } catch (err) {
      log.warn('could not send a frame', { reason: err instanceof Error ? err.message : String(err) });
    }
  };
  const events = createEventBatcher<BridgeEvent>((batch) => send({ type: 'events', events: batch }));
  const stop = forwardEvents(core, (event, payload) => events.add({ event, payload }));
  ws.on('close', stop);
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      ws.close(1003, 'text frames only');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(rawDataText(data));
    } catch {
      ws.close(1007, 'not JSON');
      return;
    }
    const frame = clientFrameSchema.safeParse(raw);
    if (!frame.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isSafeInteger(id)) {
        send({ type: 'result', id, result: { ok: false, error: new KizunaError('INVALID_INPUT', 'The frame was not a request.').toJSON() } });
      } else {
        ws.close(1008, 'not a request');
      }
      return;
    }
    const { id, name, input } = frame.data;
    void dispatchRequest(core, name, input).then((result) => {
      // The events the request caused go first, as they would have one by one.
      events.flush();
      send({ type: 'result', id, result });
    });
  });
}

function rawDataText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
