import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createWebSocketTransport } from '../../../../main/host/browser/bridge-client.js';
import type { SocketLike } from '../../../../main/host/browser/bridge-connection.js';

/**
 * The page's side of the bridge against a server that sends what it likes: only well-formed events of an
 * `events` frame reach the page's listeners, in order; anything else in a frame is skipped.
 */
describe('bridge client: what a frame of events may hold', () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

  it('delivers the events of a frame in order and skips what is not an event', async () => {
    wss.on('connection', (ws) =>
      ws.on('message', (data: Buffer) => {
        const { id } = JSON.parse(data.toString('utf8')) as { id: number };
        ws.send(JSON.stringify({ type: 'events', events: [{ event: 'typing', payload: { at: 1 } }, null, 'typing', { event: 3 }, { event: 'typing', payload: { at: 2 } }] }));
        ws.send(JSON.stringify({ type: 'event', event: 'typing', payload: { at: 3 } }));
        ws.send(JSON.stringify({ type: 'events', events: { event: 'typing', payload: { at: 4 } } }));
        ws.send('not json');
        ws.send(JSON.stringify({ type: 'result', id, result: { ok: true, value: 'answered' } }));
      }),
    );
    const { port } = wss.address() as AddressInfo;
    const transport = createWebSocketTransport({ connect: () => new WebSocket(`ws://127.0.0.1:${port}/`) as unknown as SocketLike, backoffMs: [50], connectTimeoutMs: 3000 });
    const got: unknown[][] = [];
    transport.subscribe((event, payload) => got.push([event, payload]));
    // Frames come in order on the socket: by the result, every frame before it was read.
    expect(await transport.request('groups.list', {})).toEqual({ ok: true, value: 'answered' });
    transport.close();
    expect(got).toEqual([
      ['typing', { at: 1 }],
      ['typing', { at: 2 }],
    ]);
  });
});
