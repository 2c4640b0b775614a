import { describe, expect, it } from 'vitest';
import { findDeepLink, parseDeepLink } from '../../../main/electron/deep-link.js';
import { PASSPHRASE_PAGE_CSP, passphrasePageHtml } from '../../../main/electron/passphrase-prompt-page.js';
import {
  ALLOWED_PERMISSIONS,
  APP_ENTRY_URL,
  externalUrl,
  isAppUrl,
  isPermissionAllowed,
  secureWebPreferences,
} from '../../../main/electron/security-policy.js';
import { contentSecurityPolicy } from '../../../main/host/browser/content-security-policy.js';

const GROUP = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd'.slice(0, 43).padEnd(43, 'x');

describe('window security settings', () => {
  it('every window is isolated, sandboxed, without Node, with web security', () => {
    const prefs = secureWebPreferences('/app/dist/preload/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('the CSP allows scripts only from the app, never eval or inline script', () => {
    const csp = contentSecurityPolicy();
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['img-src']).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:5000'] })).toContain("connect-src 'self' ws://127.0.0.1:5000;");
    expect(() => contentSecurityPolicy({ connectSrc: ["'self'; script-src *"] })).toThrow();
  });

  it('grants only notifications and clipboard writing, and only to the app page', () => {
    expect([...ALLOWED_PERMISSIONS].sort()).toEqual(['clipboard-sanitized-write', 'notifications']);
    expect(isPermissionAllowed('notifications', APP_ENTRY_URL)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://kizuna/index.html#/chat')).toBe(true);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'usb', 'serial', 'midi']) {
      expect(isPermissionAllowed(p, APP_ENTRY_URL), p).toBe(false);
    }
    expect(isPermissionAllowed('notifications', 'https://evil.example/')).toBe(false);
    expect(isPermissionAllowed('notifications', undefined)).toBe(false);
    expect(isAppUrl('app://kizuna/x')).toBe(true);
    expect(isAppUrl('app://other/x')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
  });

  it('opens only http(s) links outside, without credentials', () => {
    expect(externalUrl('https://example.org/a?b=c')).toBe('https://example.org/a?b=c');
    expect(externalUrl('http://example.org')).toBe('http://example.org/');
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'kizuna://contact/x', 'smb://host/share', 'https://user:pw@example.org', 'not a url', 'data:text/html,x']) {
      expect(externalUrl(bad), bad).toBeNull();
    }
  });
});

describe('kizuna:// deep links', () => {
  it('parses contact, group and invitation links', () => {
    expect(parseDeepLink('kizuna://contact/CnsIARIDQW5u_-')).toEqual({ kind: 'contact', card: 'kizuna://contact/CnsIARIDQW5u_-' });
    expect(parseDeepLink(`kizuna://group/${GROUP}`)).toEqual({ kind: 'group', groupId: GROUP });
    expect(parseDeepLink(`kizuna://invitation/${GROUP}/`)).toEqual({ kind: 'invitation', groupId: GROUP });
    expect(parseDeepLink(` KIZUNA://Contact/abc `)).toEqual({ kind: 'contact', card: 'kizuna://contact/abc' });
  });

  it('ignores anything else', () => {
    for (const bad of [
      'kizuna://group/short',
      'kizuna://contact/',
      'kizuna://contact/a b',
      'kizuna://contact/a/../../x',
      'kizuna://settings/x',
      'https://kizuna/contact/abc',
      `kizuna://contact/${'a'.repeat(20_000)}`,
      'kizuna://contact/abc?x=<script>',
    ]) {
      expect(parseDeepLink(bad), bad.slice(0, 40)).toBeNull();
    }
  });

  it('finds the link among command-line arguments (Windows and Linux)', () => {
    expect(findDeepLink(['/opt/Kizuna/kizuna', '--no-sandbox', `kizuna://group/${GROUP}`])).toEqual({ kind: 'group', groupId: GROUP });
    expect(findDeepLink(['/opt/Kizuna/kizuna', 'kizuna://bogus/1'])).toBeNull();
    expect(findDeepLink(['electron', '.'])).toBeNull();
  });
});

describe('passphrase window page', () => {
  it('runs no script and escapes the message', () => {
    const html = passphrasePageHtml({ mode: 'new', message: '<img src=x onerror=alert(1)> & "quotes"' });
    expect(html).toContain(`content="${PASSPHRASE_PAGE_CSP}"`);
    expect(PASSPHRASE_PAGE_CSP).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('id="confirm"');
    expect(passphrasePageHtml({ mode: 'existing', message: 'm' })).not.toContain('id="confirm"');
  });
});
