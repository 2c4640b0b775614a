/**
 * The one Content-Security-Policy of the UI, sent by the desktop shell (app:// responses) and by the
 * browser host (HTTP responses) alike. Scripts only from the app's own origin (no inline script, no
 * eval); images, media and files also from data:/blob: (avatars, attachments); network only to the
 * app's own origin (plus the browser host's WebSocket); no plugins, frames, forms or <base>.
 *
 * Inline styles stay allowed (`style-src 'unsafe-inline'`): React and layout libraries set element
 * styles, which cannot run code; every script source is still strictly 'self'.
 */
export interface CspOptions {
  /** Extra connect-src sources, e.g. the browser host's `ws://127.0.0.1:<port>`. */
  connectSrc?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'", 'data:', 'blob:'],
    ['media-src', "'self'", 'data:', 'blob:'],
    ['font-src', "'self'", 'data:'],
    ['connect-src', "'self'", ...(options.connectSrc ?? [])],
    ['worker-src', "'self'", 'blob:'],
    ['object-src', "'none'"],
    ['frame-src', "'none'"],
    ['child-src', "'none'"],
    ['frame-ancestors', "'none'"],
    ['form-action', "'none'"],
    ['base-uri', "'none'"],
  ];
  for (const [, ...sources] of directives) {
    for (const source of sources) {
      if (/[;,\s]/.test(source)) throw new Error(`invalid CSP source: ${source}`);
    }
  }
  return directives.map((d) => d.join(' ')).join('; ');
}

/** Headers every UI response carries besides the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The camera only for the app's own page (scanning a safety-number QR code); never the microphone.
  // A camera stream is shown through video.srcObject, which no CSP source list governs.
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()',
};
