/**
 * Applies security-policy.ts to Electron: every web contents may not navigate, open windows or attach
 * webviews; links to http(s) go to the system browser; the session grants only the allowed
 * permissions (permission-handlers.ts) and puts the CSP on every response.
 */
import { shell, type Session, type WebContents } from 'electron';
import { SECURITY_HEADERS, contentSecurityPolicy } from '../host/browser/content-security-policy.js';
import { createLogger } from '../core/log/logger.js';
import { onPermissionCheck, onPermissionRequest } from './permission-handlers.js';
import { externalUrl, isAppUrl } from './security-policy.js';

const log = createLogger('shell.guards');

function openOutside(url: string): void {
  const target = externalUrl(url);
  if (target === null) {
    log.warn('refused to open a link', { scheme: url.split(':')[0]?.slice(0, 16) ?? '' });
    return;
  }
  void shell.openExternal(target);
}

export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    // The UI is one page; a link it follows opens in the system browser instead.
    event.preventDefault();
    if (!isAppUrl(event.url)) openOutside(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler((details) => {
    openOutside(details.url);
    return { action: 'deny' };
  });
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler(onPermissionRequest);
  session.setPermissionCheckHandler(onPermissionCheck);
  session.setDevicePermissionHandler(() => false);
  const csp = contentSecurityPolicy();
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [csp],
        ...Object.fromEntries(Object.entries(SECURITY_HEADERS).map(([k, v]) => [k, [v]])),
      },
    });
  });
}
