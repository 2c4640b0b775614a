import { createReadStream, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BRIDGE_PATH, BRIDGE_SCRIPT_PATH } from './bridge-protocol.js';
import { injectBridgeScript } from './bridge-script.js';
import type { HostAccess } from './host-access.js';
import { isAppRoute, lookupStaticFile } from './static-files.js';

export interface PageRoutesOptions {
  access: HostAccess;
  rendererDir: string;
  /** The renderer's index.html, and its real path (to recognise it when asked for by name). */
  indexPath: string;
  rootIndex: string;
  bridgeScript: string;
}

/**
 * The browser host's HTTP side: GET and HEAD only, with the token; the page (index.html with the
 * bridge script injected ahead of the app), /kizuna-bridge.js, and the renderer's files.
 */
export function pageRoutes(o: PageRoutesOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { access } = o;
  const sendText = (res: ServerResponse, req: IncomingMessage, status: number, text: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...access.securityHeaders(req), 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
  const sendBody = (req: IncomingMessage, res: ServerResponse, extra: Record<string, string>, contentType: string, body: string): void => {
    res.writeHead(200, { ...access.securityHeaders(req), ...extra, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const sendIndex = (req: IncomingMessage, res: ServerResponse, extra: Record<string, string>): void => {
    let html: string;
    try {
      html = readFileSync(o.indexPath, 'utf8');
    } catch {
      sendText(res, req, 500, 'The renderer is not built.');
      return;
    }
    sendBody(req, res, extra, 'text/html; charset=utf-8', injectBridgeScript(html));
  };

  return (req, res) => {
    if (!access.hostAllowed(req.headers.host)) return sendText(res, req, 403, 'Forbidden host.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, req, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    } catch {
      return sendText(res, req, 400, 'Bad request.');
    }
    const auth = access.authorised(req, url);
    if (auth === false) return sendText(res, req, 401, 'Open the address printed by "kizuna web" (it holds the access token).');
    const extra = auth === 'query' ? access.setCookieHeader() : {};
    // The raw path is checked as sent: `new URL` would have folded `..` away.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (rawPath === BRIDGE_SCRIPT_PATH) return sendBody(req, res, extra, 'text/javascript; charset=utf-8', o.bridgeScript);
    if (rawPath === BRIDGE_PATH) return sendText(res, req, 426, 'This address takes a WebSocket.', { Upgrade: 'websocket' });
    const found = lookupStaticFile(o.rendererDir, rawPath);
    if (found.kind === 'refused') return sendText(res, req, 400, 'Bad path.');
    if (found.kind === 'missing') {
      if (isAppRoute(rawPath)) sendIndex(req, res, extra);
      else sendText(res, req, 404, 'Not found.');
      return;
    }
    if (found.path === o.rootIndex) return sendIndex(req, res, extra);
    res.writeHead(200, { ...access.securityHeaders(req), ...extra, 'Content-Type': found.contentType, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.path)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}
