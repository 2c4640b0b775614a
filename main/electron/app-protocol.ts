/**
 * The renderer is served from `app://kizuna/`, a privileged standard scheme backed by dist/renderer
 * (never file://: pages there get extra powers, and that fuse is off). Same lookup rules as the browser
 * host: no traversal, app routes fall back to index.html, every response carries the CSP.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { protocol, type Session } from 'electron';
import { SECURITY_HEADERS, contentSecurityPolicy } from '../host/browser/content-security-policy.js';
import { isAppRoute, lookupStaticFile } from '../host/browser/static-files.js';
import { APP_HOST, APP_SCHEME } from './security-policy.js';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

export function serveRenderer(session: Session, rendererDir: string): void {
  const csp = contentSecurityPolicy();
  const headers = (contentType: string): Record<string, string> => ({
    ...SECURITY_HEADERS,
    'Content-Security-Policy': csp,
    'Content-Type': contentType,
    'Cache-Control': 'no-cache',
  });
  const text = (status: number, body: string): Response => new Response(body, { status, headers: headers('text/plain; charset=utf-8') });

  session.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed.');
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return text(404, 'Not found.');
    // The raw path as requested (URL parsing has already folded dot segments; the lookup re-checks).
    let found = lookupStaticFile(rendererDir, url.pathname);
    if (found.kind === 'missing' && isAppRoute(url.pathname)) found = lookupStaticFile(rendererDir, '/index.html');
    if (found.kind === 'refused') return text(400, 'Bad path.');
    if (found.kind === 'missing') return text(404, 'Not found.');
    try {
      const body = await readFile(found.path);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: headers(found.contentType) });
    } catch {
      return text(404, 'Not found.');
    }
  });
}

/** Where the built renderer is, from the app's root (the project folder, or app.asar when packaged). */
export function rendererDirFor(appPath: string): string {
  return join(appPath, 'dist', 'renderer');
}
