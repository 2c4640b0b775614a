import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createLogger } from '../../core/log/logger.js';
import type { KizunaCore } from '../kizuna-core.js';
import { dispatchRequest, forwardEvents } from '../request-dispatch.js';
import { clientFrameSchema } from './bridge-frame-schema.js';
import { BRIDGE_PATH, BRIDGE_SCRIPT_PATH, MAX_FRAME_BYTES, TOKEN_COOKIE, TOKEN_PARAM, type ServerFrame } from './bridge-protocol.js';
import { loadBridgeScript } from './bridge-script.js';
import { SECURITY_HEADERS, contentSecurityPolicy } from './content-security-policy.js';
import { isAppRoute, lookupStaticFile } from './static-files.js';

const log = createLogger('browser-host');

export interface BrowserHostOptions {
  /** The core every page of this host talks to. */
  core: KizunaCore;
  /** A loopback address only: '127.0.0.1' (default) or '::1'. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer (index.html and its assets), usually dist/renderer. */
  rendererDir: string;
  /** The access token; random (32 bytes, base64url) unless given. */
  token?: string;
  /** A prebuilt /kizuna-bridge.js; by default see bridge-script.ts. */
  bridgeScriptPath?: string;
}

export interface BrowserHost {
  /** Open this in a browser: `http://127.0.0.1:<port>/?token=<token>`. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Closes every socket and the server. The core stays open (it belongs to the caller). */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1']);

/**
 * Serves the built renderer and a WebSocket bridge that implements `window.kizuna` against `core`,
 * on a loopback address only, to whoever holds the token. The page gets `window.kizuna` from
 * /kizuna-bridge.js, which the host injects into index.html ahead of the renderer's own script.
 *
 * Every request needs the token: `?token=` (the first page load; answered with an HttpOnly,
 * SameSite=Strict cookie) or that cookie (assets, reloads, the socket). Requests naming another Host
 * (DNS rebinding) and sockets opened from another Origin are refused.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const bindHost = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(bindHost)) {
    throw new KizunaError('INVALID_CONFIG', 'The browser host listens on a loopback address only (127.0.0.1 or ::1).', { host: bindHost });
  }
  const indexPath = join(options.rendererDir, 'index.html');
  if (!existsSync(indexPath)) {
    throw new KizunaError('INVALID_CONFIG', `The renderer is not built: ${indexPath} is missing (run "npm run build:renderer").`);
  }
  const rootIndex = realpathSync(indexPath);
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token, 'utf8');
  const bridgeScript = await loadBridgeScript(options.bridgeScriptPath);
  const { core, rendererDir } = options;

  let port = 0;
  let allowedHosts = new Set<string>();
  const cookieName = (): string => `${TOKEN_COOKIE}_${port}`;

  const tokenMatches = (candidate: string | null | undefined): boolean => {
    if (candidate === null || candidate === undefined) return false;
    const bytes = Buffer.from(candidate, 'utf8');
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };
  const cookieToken = (req: IncomingMessage): string | undefined => {
    const header = req.headers.cookie;
    if (header === undefined) return undefined;
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === cookieName()) return part.slice(eq + 1).trim();
    }
    return undefined;
  };
  const authorised = (req: IncomingMessage, url: URL): 'query' | 'cookie' | false =>
    tokenMatches(url.searchParams.get(TOKEN_PARAM)) ? 'query' : tokenMatches(cookieToken(req)) ? 'cookie' : false;

  // The socket's origin in connect-src: the Host the page used, when it is one of ours (never echo another).
  const headersFor = (req: IncomingMessage): Record<string, string> => {
    const host = req.headers.host !== undefined && allowedHosts.has(req.headers.host) ? req.headers.host : `127.0.0.1:${port}`;
    return { ...SECURITY_HEADERS, 'Content-Security-Policy': contentSecurityPolicy({ connectSrc: [`ws://${host}`] }) };
  };

  const sendText = (res: ServerResponse, req: IncomingMessage, status: number, text: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...headersFor(req), 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
    res.end(req.method === 'HEAD' ? undefined : text);
  };

  const sendIndex = (req: IncomingMessage, res: ServerResponse, extra: Record<string, string>): void => {
    let html: string;
    try {
      html = readFileSync(indexPath, 'utf8');
    } catch {
      sendText(res, req, 500, 'The renderer is not built.');
      return;
    }
    const body = injectBridgeScript(html);
    res.writeHead(200, { ...headersFor(req), ...extra, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      sendText(res, req, 403, 'Forbidden host.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, req, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    } catch {
      sendText(res, req, 400, 'Bad request.');
      return;
    }
    const auth = authorised(req, url);
    if (auth === false) {
      sendText(res, req, 401, 'Open the address printed by "kizuna web" (it holds the access token).');
      return;
    }
    const extra: Record<string, string> =
      auth === 'query' ? { 'Set-Cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/` } : {};
    // The raw path is checked as sent: `new URL` would have folded `..` away.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (rawPath === BRIDGE_SCRIPT_PATH) {
      res.writeHead(200, { ...headersFor(req), ...extra, 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : bridgeScript);
      return;
    }
    if (rawPath === BRIDGE_PATH) {
      sendText(res, req, 426, 'This address takes a WebSocket.', { Upgrade: 'websocket' });
      return;
    }
    const found = lookupStaticFile(rendererDir, rawPath);
    if (found.kind === 'refused') {
      sendText(res, req, 400, 'Bad path.');
      return;
    }
    if (found.kind === 'missing') {
      if (isAppRoute(rawPath)) sendIndex(req, res, extra);
      else sendText(res, req, 404, 'Not found.');
      return;
    }
    if (found.path === rootIndex) {
      sendIndex(req, res, extra);
      return;
    }
    res.writeHead(200, { ...headersFor(req), ...extra, 'Content-Type': found.contentType, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.path)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  wss.on('connection', (ws: WebSocket) => serveSocket(core, ws));

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      log.error('request failed', { reason: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal error.');
    }
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const hostHeader = req.headers.host ?? '';
    if (!allowedHosts.has(hostHeader)) return refuse(403, 'Forbidden');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${hostHeader}`);
    } catch {
      return refuse(400, 'Bad Request');
    }
    if (url.pathname !== BRIDGE_PATH) return refuse(404, 'Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.has(origin.replace(/^http:\/\//, ''))) return refuse(403, 'Forbidden');
    if (authorised(req, url) === false) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  allowedHosts =
    bindHost === '::1' ? new Set([`[::1]:${port}`, `localhost:${port}`]) : new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origin = bindHost === '::1' ? `http://[::1]:${port}` : `http://127.0.0.1:${port}`;
  log.info('browser host listening', { host: bindHost, port });

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/?${TOKEN_PARAM}=${encodeURIComponent(token)}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, 'host closing');
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
        // Sockets that ignore the close frame are cut after a moment.
        setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, 500).unref();
      });
      return closing;
    },
  };
}

/**
 * Puts `<script src="/kizuna-bridge.js">` before the page's first script (or at the end of <head>), so
 * `window.kizuna` exists before any app script runs.
 */
export function injectBridgeScript(html: string): string {
  const tag = `<script src="${BRIDGE_SCRIPT_PATH}"></script>`;
  const firstScript = html.search(/<script[\s>]/i);
  if (firstScript >= 0) return html.slice(0, firstScript) + tag + html.slice(firstScript);
  const headEnd = html.search(/<\/head>/i);
  if (headEnd >= 0) return html.slice(0, headEnd) + tag + html.slice(headEnd);
  return tag + html;
}

/** One page's socket: its requests go through the contract to the core; the core's events come back. */
function serveSocket(core: KizunaCore, ws: WebSocket): void {
  const send = (frame: ServerFrame): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    try {
      ws.send(JSON.stringify(frame));
    } catch (err) {
      log.warn('could not send a frame', { reason: err instanceof Error ? err.message : String(err) });
    }
  };
  const stop = forwardEvents(core, (event, payload) => send({ type: 'event', event, payload }));
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
    void dispatchRequest(core, name, input).then((result) => send({ type: 'result', id, result }));
  });
}

function rawDataText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
