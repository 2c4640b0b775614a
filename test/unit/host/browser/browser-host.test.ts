import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createKeyFileWrapper } from '../../../../main/core/crypto/local-key/key-file-wrapper.js';
import { createKizunaCore } from '../../../../main/host/create-core.js';
import type { KizunaCore } from '../../../../main/host/kizuna-core.js';
import { createWebSocketTransport, type WebSocketTransport } from '../../../../main/host/browser/bridge-client.js';
import type { SocketLike } from '../../../../main/host/browser/bridge-connection.js';
import { startBrowserHost, type BrowserHost } from '../../../../main/host/browser/browser-host.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';
import { createKizunaClient } from '../../../../shared/ipc/ipc-client.js';
import type { EventPayloads, KizunaApi } from '../../../../shared/ipc/ipc-contract.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { tempDir } from '../../../helpers/test-engines.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP GET: the path is sent exactly as written (no client-side normalisation of `..`). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket to the bridge and reports how the server answered the upgrade. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number } | { open: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ open: ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

function clientFor(host: BrowserHost): { api: KizunaApi; transport: WebSocketTransport } {
  const transport = createWebSocketTransport({
    connect: () => new WebSocket(`ws://127.0.0.1:${host.port}/kizuna-bridge?token=${host.token}`) as unknown as SocketLike,
    backoffMs: [50],
    connectTimeoutMs: 3000,
  });
  return { api: createKizunaClient(transport, { host: 'browser' }), transport };
}

async function newCore(root: string, name: string): Promise<KizunaCore> {
  // Offline: these tests are about the bridge, not SLIM (the session layer has its own tests).
  return createKizunaCore({ dataDir: join(root, name), keyWrapper: createKeyFileWrapper(new Uint8Array(randomBytes(32))), offline: true });
}

describe('browser host', () => {
  let dir: ReturnType<typeof tempDir>;
  let rendererDir: string;
  let core: KizunaCore;
  let host: BrowserHost;
  const transports: WebSocketTransport[] = [];

  beforeAll(async () => {
    dir = tempDir('kizuna-browser-host-');
    rendererDir = join(dir.path, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(
      join(rendererDir, 'index.html'),
      '<!doctype html><html><head><meta charset="utf-8"><script type="module" crossorigin src="./assets/app.js"></script>' +
        '<link rel="stylesheet" href="./assets/app.css"></head><body><div id="root"></div></body></html>',
    );
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");\n');
    writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body { margin: 0 }\n');
    writeFileSync(join(dir.path, 'secret.txt'), 'TOP SECRET\n');
    core = await newCore(dir.path, 'alice');
    host = await startBrowserHost({ core, host: '127.0.0.1', port: 0, rendererDir });
  });

  afterAll(async () => {
    for (const t of transports) t.close();
    await host?.close();
    await core?.close();
    dir?.cleanup();
  });

  it('listens on 127.0.0.1 only and hands out a URL with a random token', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i !== undefined && !i.internal && i.family === 'IPv4');
    if (external !== undefined) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external.address, port: host.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
      expect(refused, `reachable on ${external.address}`).toBe(true);
    }
    await expectCode(startBrowserHost({ core, host: '0.0.0.0', rendererDir }), 'INVALID_CONFIG');
    await expectCode(startBrowserHost({ core, rendererDir: join(dir.path, 'no-such-renderer') }), 'INVALID_CONFIG');
  });

  it('refuses every request without the token (401), and a foreign Host header (403)', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/kizuna-bridge.js', '/some/route']) {
      expect((await get(host.port, path)).status, path).toBe(401);
    }
    expect((await get(host.port, '/?token=wrong')).status).toBe(401);
    expect((await get(host.port, '/', { Cookie: `kizuna_token_${host.port}=wrong` })).status).toBe(401);
    const foreign = await get(host.port, `/?token=${host.token}`, { Host: `evil.example:${host.port}` });
    expect(foreign.status).toBe(403);
    expect(String(foreign.headers['content-security-policy'])).not.toContain('evil.example');
    // A Host that would break the CSP header is refused like any other, and the server lives on.
    expect((await get(host.port, '/', { Host: "x; script-src 'unsafe-inline'" })).status).toBe(403);
    expect((await get(host.port, `/?token=${host.token}`)).status).toBe(200);
  });

  it('serves index.html with the bridge script injected before the app, the CSP and an HttpOnly cookie', async () => {
    const index = await get(host.port, `/?token=${host.token}`);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect(csp).toContain("object-src 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const cookie = String(index.headers['set-cookie']);
    expect(cookie).toContain(`kizuna_token_${host.port}=${host.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const bridgeAt = index.body.indexOf('<script src="/kizuna-bridge.js"></script>');
    expect(bridgeAt).toBeGreaterThan(0);
    expect(bridgeAt).toBeLessThan(index.body.indexOf('./assets/app.js'));

    const withCookie = { Cookie: `kizuna_token_${host.port}=${host.token}` };
    const js = await get(host.port, '/assets/app.js', withCookie);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toBe(index.headers['content-security-policy']);
    expect(js.body).toBe('console.log("app");\n');
    expect((await get(host.port, '/assets/app.css', withCookie)).headers['content-type']).toBe('text/css; charset=utf-8');
    const bridge = await get(host.port, '/kizuna-bridge.js', withCookie);
    expect(bridge.status).toBe(200);
    expect(bridge.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(bridge.body).toContain('kizuna-bridge');
    // App routes (no extension) get the page; missing assets do not.
    expect((await get(host.port, '/chats/abc', withCookie)).body).toContain('/kizuna-bridge.js');
    expect((await get(host.port, '/assets/missing.js', withCookie)).status).toBe(404);
  });

  it('refuses paths that leave the renderer folder', async () => {
    const withCookie = { Cookie: `kizuna_token_${host.port}=${host.token}` };
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/assets/%E0%A4%A']) {
      const reply = await get(host.port, path, withCookie);
      expect(reply.status, path).toBe(400);
      expect(reply.body, path).not.toContain('TOP SECRET');
    }
  });

  it('refuses WebSockets without the token or from another origin', async () => {
    const base = `ws://127.0.0.1:${host.port}/kizuna-bridge`;
    expect(await upgrade(base)).toEqual({ status: 401 });
    expect(await upgrade(`${base}?token=wrong`)).toEqual({ status: 401 });
    expect(await upgrade(`${base}?token=${host.token}`, { Origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await upgrade(`ws://127.0.0.1:${host.port}/elsewhere?token=${host.token}`)).toEqual({ status: 404 });
    const ok = await upgrade(base, { Cookie: `kizuna_token_${host.port}=${host.token}`, Origin: `http://127.0.0.1:${host.port}` });
    expect('open' in ok).toBe(true);
    if ('open' in ok) ok.open.close();
  });

  it('implements window.kizuna over the socket against the real core', async () => {
    const { api, transport } = clientFor(host);
    transports.push(transport);
    expect(api.host).toBe('browser');
    const me = await api.invoke('identity.create', { displayName: 'Alice' });
    expect(me.displayName).toBe('Alice');
    expect(await api.invoke('identity.get', {})).toEqual(me);
    expect(await api.invoke('groups.list', {})).toEqual([]);
  });

  it('accepts ui.setOpenChat harmlessly (only the desktop shell uses it), validated like every request', async () => {
    const { api, transport } = clientFor(host);
    transports.push(transport);
    expect(await api.invoke('ui.setOpenChat', { groupId: 'g'.repeat(43) })).toBeNull();
    expect(await api.invoke('ui.setOpenChat', { groupId: null })).toBeNull();
    await expectCode(api.invoke('ui.setOpenChat', { groupId: 'not an id' }), 'INVALID_INPUT');
    await expectCode(api.invoke('ui.setOpenChat', {} as never), 'INVALID_INPUT');
  });

  it('turns invalid input into a typed error (INVALID_INPUT), from the contract and from a bad frame', async () => {
    const { api, transport } = clientFor(host);
    transports.push(transport);
    let thrown: unknown;
    try {
      await api.invoke('groups.create', { name: 42 } as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(KizunaError);
    expect((thrown as KizunaError).code).toBe('INVALID_INPUT');
    expect((thrown as KizunaError).details).toMatchObject({ request: 'groups.create', field: 'name' });
    await expectCode(api.invoke('no.such.request' as never, {} as never), 'INVALID_INPUT');
    // The core's own rules come back with their codes.
    await expectCode(api.invoke('groups.create', { name: '', members: [] }), 'GROUP_NAME_EMPTY');

    // A frame that is not a request: answered with INVALID_INPUT when it has an id, otherwise the socket is closed.
    const raw = new WebSocket(`ws://127.0.0.1:${host.port}/kizuna-bridge?token=${host.token}`);
    await new Promise((resolve) => raw.once('open', resolve));
    const answered = new Promise<unknown>((resolve) => raw.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))));
    raw.send(JSON.stringify({ type: 'invoke', id: 7, name: 'groups.list', input: {}, extra: true }));
    expect(await answered).toMatchObject({ type: 'result', id: 7, result: { ok: false, error: { code: 'INVALID_INPUT' } } });
    const closed = new Promise<number>((resolve) => raw.once('close', resolve));
    raw.send('not json');
    expect(await closed).toBe(1007);
  });

  it('pushes the core events to the page (a group event after groups.create)', async () => {
    const bob = await newCore(dir.path, 'bob');
    const carol = await newCore(dir.path, 'carol');
    try {
      const bobCard = bob.engine.createIdentity({ displayName: 'Bob' }).card;
      const carolCard = carol.engine.createIdentity({ displayName: 'Carol' }).card;
      const { api, transport } = clientFor(host);
      transports.push(transport);
      if ((await api.invoke('identity.get', {})) === null) await api.invoke('identity.create', { displayName: 'Alice' });
      const b = await api.invoke('contacts.add', { card: bobCard });
      const c = await api.invoke('contacts.add', { card: carolCard });
      const groupEvent = new Promise<EventPayloads['group']>((resolve) => {
        const off = api.on('group', (g) => {
          off();
          resolve(g);
        });
      });
      const created = await api.invoke('groups.create', { name: 'Hikers', members: [b.userId, c.userId], mode: 'sealed' });
      const pushed = await groupEvent;
      expect(pushed.groupId).toBe(created.groupId);
      expect(pushed.name).toBe('Hikers');
      expect(pushed.members.map((m) => m.displayName).sort()).toEqual(['Alice', 'Bob', 'Carol']);
      expect((await api.invoke('groups.list', {})).map((g) => g.groupId)).toContain(created.groupId);

      // On the wire: the events of a loop turn share a frame, in order, and those a request caused come before its result.
      const raw = new WebSocket(`ws://127.0.0.1:${host.port}/kizuna-bridge?token=${host.token}`);
      await new Promise((resolve) => raw.once('open', resolve));
      const frames: { type: string; id?: number; result?: { value?: { groupId?: string } }; events?: { event: string; payload: { groupId?: string } }[] }[] = [];
      const answered = new Promise<void>((resolve) =>
        raw.on('message', (data: Buffer) => {
          frames.push(JSON.parse(data.toString('utf8')) as (typeof frames)[number]);
          if (frames.at(-1)?.type === 'result') resolve();
        }),
      );
      core.engine.events.emit('unread', { total: 1, groups: {} });
      core.engine.events.emit('unread', { total: 2, groups: {} });
      raw.send(JSON.stringify({ type: 'invoke', id: 1, name: 'groups.create', input: { name: 'Climbers', members: [b.userId, c.userId], mode: 'none' } }));
      await answered;
      raw.close();
      expect(frames[0]).toEqual({ type: 'events', events: [{ event: 'unread', payload: { total: 1, groups: {} } }, { event: 'unread', payload: { total: 2, groups: {} } }] });
      const resultAt = frames.findIndex((f) => f.type === 'result');
      const climbers = frames[resultAt]?.result?.value?.groupId;
      expect(climbers).toBeDefined();
      const groupEventAt = frames.findIndex((f) => f.events?.some((e) => e.event === 'group' && e.payload.groupId === climbers));
      expect(groupEventAt).toBeGreaterThan(0);
      expect(groupEventAt).toBeLessThan(resultAt);
    } finally {
      await bob.close();
      await carol.close();
    }
  });

  it('the page\'s link follows the host: down when it stops, up when a host with the same port and token is back', async () => {
    const first = await startBrowserHost({ core, rendererDir });
    const transport = createWebSocketTransport({
      connect: () => new WebSocket(`ws://127.0.0.1:${first.port}/kizuna-bridge?token=${first.token}`) as unknown as SocketLike,
      backoffMs: [50],
      connectTimeoutMs: 3000,
    });
    transports.push(transport);
    const api = createKizunaClient(transport, { host: 'browser', heartbeat: { intervalMs: 100, timeoutMs: 2000 } });
    const states: boolean[] = [];
    let changed: (() => void) | undefined;
    const next = (want: boolean): Promise<void> =>
      states.at(-1) === want ? Promise.resolve() : new Promise<void>((done) => (changed = () => states.at(-1) === want && done()));
    const stop = api.watchLink((up) => {
      states.push(up);
      changed?.();
    });
    await api.invoke('groups.list', {});
    await next(true);
    await first.close();
    await next(false);
    const back = await startBrowserHost({ core, rendererDir, port: first.port, token: first.token });
    try {
      await next(true);
      expect((await api.invoke('connection.status', {})).state).toBe('offline');
    } finally {
      stop();
      await back.close();
    }
  });

  it('closes cleanly: sockets are closed and the port is released', async () => {
    const second = await startBrowserHost({ core, rendererDir });
    const transport = createWebSocketTransport({
      connect: () => new WebSocket(`ws://127.0.0.1:${second.port}/kizuna-bridge?token=${second.token}`) as unknown as SocketLike,
      backoffMs: [60_000],
      connectTimeoutMs: 200,
    });
    const api = createKizunaClient(transport, { host: 'browser' });
    await api.invoke('groups.list', {});
    expect(transport.connected).toBe(true);
    await second.close();
    expect(transport.connected).toBe(false);
    await expectCode(api.invoke('groups.list', {}), 'HOST_UNAVAILABLE');
    transport.close();
    await expect(get(second.port, '/')).rejects.toThrow(/ECONNREFUSED/);
    await second.close(); // idempotent
  });
});
