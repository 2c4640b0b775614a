import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createLogger } from '../../core/log/logger.js';
import type { KizunaCore } from '../kizuna-core.js';
import { bridgeUpgrades, serveSocket } from './bridge-socket.js';
import { MAX_FRAME_BYTES, TOKEN_PARAM } from './bridge-protocol.js';
import { loadBridgeScript } from './bridge-script.js';
import { HostAccess } from './host-access.js';
import { pageRoutes } from './page-routes.js';

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
 * (DNS rebinding) and sockets opened from another Origin are refused (host-access.ts); the pages are
 * served by page-routes.ts, the sockets by bridge-socket.ts.
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
  const access = new HostAccess(options.token ?? randomBytes(32).toString('base64url'));
  const routes = pageRoutes({
    access,
    rendererDir: options.rendererDir,
    indexPath,
    rootIndex: realpathSync(indexPath),
    bridgeScript: await loadBridgeScript(options.bridgeScriptPath),
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  wss.on('connection', (ws: WebSocket) => serveSocket(options.core, ws));
  const server = createServer((req, res) => {
    try {
      routes(req, res);
    } catch (err) {
      log.error('request failed', { reason: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal error.');
    }
  });
  server.on('upgrade', bridgeUpgrades(access, wss));

  const port = await listen(server, options.port ?? 0, bindHost);
  access.listening(bindHost, port);
  const origin = bindHost === '::1' ? `http://[::1]:${port}` : `http://127.0.0.1:${port}`;
  log.info('browser host listening', { host: bindHost, port });

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/?${TOKEN_PARAM}=${encodeURIComponent(access.token)}`,
    port,
    token: access.token,
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

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
