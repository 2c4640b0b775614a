/**
 * The shell's security decisions as plain data and functions (no Electron import at run time), so
 * they are unit-tested; window-guards.ts applies them to Electron's objects.
 */
import type { WebPreferences } from 'electron';

/** The renderer is served from a privileged custom scheme, never from file:// (that fuse is off). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kizuna';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The only webPreferences a Kizuna window gets. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}

/**
 * Permissions the UI may have: desktop notifications, and writing text to the clipboard ("copy my
 * contact card"). The camera (video only, for scanning a safety-number QR code) has its own rule in
 * permission-handlers.ts. Everything else (microphone, geolocation, clipboard reading, MIDI, HID,
 * serial, USB, fullscreen from the page, pointer lock, ...) is refused.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/** Whether a URL is a page of the app itself. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * The URL to hand to the system browser for a link the page tried to open, or null: only http(s),
 * without embedded credentials. Everything else (file:, javascript:, custom schemes) is dropped.
 */
export { externalUrl } from '../../shared/domain/external-url.js';
