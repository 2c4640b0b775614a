import { describe, expect, it } from 'vitest';
import { onPermissionCheck, onPermissionRequest, type PermissionRequestDetails } from '../../../main/electron/permission-handlers.js';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../../main/electron/security-policy.js';
import { SECURITY_HEADERS } from '../../../main/host/browser/content-security-policy.js';

/** What the handler answers (it must answer exactly once, as Electron waits for the callback). */
function ask(permission: string, details: PermissionRequestDetails): boolean {
  const answers: boolean[] = [];
  onPermissionRequest(undefined, permission, (granted) => answers.push(granted), details);
  expect(answers).toHaveLength(1);
  return answers[0] as boolean;
}

const appFrame = { isMainFrame: true, requestingUrl: `${APP_ORIGIN}/index.html#/contacts`, securityOrigin: APP_ORIGIN };

describe('permission request handler', () => {
  it('grants the camera (video only) to the app page’s main frame', () => {
    expect(ask('media', { ...appFrame, mediaTypes: ['video'] })).toBe(true);
    expect(ask('media', { isMainFrame: true, requestingUrl: APP_ENTRY_URL, mediaTypes: ['video'] })).toBe(true);
  });

  it('refuses the microphone, camera with microphone, and a media request naming nothing', () => {
    expect(ask('media', { ...appFrame, mediaTypes: ['audio'] })).toBe(false);
    expect(ask('media', { ...appFrame, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(ask('media', { ...appFrame, mediaTypes: [] })).toBe(false);
    expect(ask('media', { ...appFrame })).toBe(false);
  });

  it('refuses the camera to sub-frames, other origins and other schemes', () => {
    expect(ask('media', { ...appFrame, isMainFrame: false, mediaTypes: ['video'] })).toBe(false);
    for (const url of ['https://evil.example/', 'app://other/index.html', 'file:///app/index.html', 'http://127.0.0.1:5000/', '', 'not a url']) {
      expect(ask('media', { isMainFrame: true, requestingUrl: url, mediaTypes: ['video'] }), url).toBe(false);
    }
    // The page's URL claims the app but the frame's origin is another (e.g. an opaque or foreign one).
    expect(ask('media', { ...appFrame, securityOrigin: 'https://evil.example', mediaTypes: ['video'] })).toBe(false);
    expect(ask('media', { ...appFrame, securityOrigin: 'null', mediaTypes: ['video'] })).toBe(false);
  });

  it('refuses screen capture and every other permission; keeps notifications and clipboard writing for the app', () => {
    for (const p of ['display-capture', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'usb', 'serial', 'midi', 'pointerLock', 'unknown']) {
      expect(ask(p, { ...appFrame, mediaTypes: ['video'] }), p).toBe(false);
    }
    expect(ask('notifications', appFrame)).toBe(true);
    expect(ask('clipboard-sanitized-write', appFrame)).toBe(true);
    expect(ask('notifications', { ...appFrame, isMainFrame: false })).toBe(false);
    expect(ask('notifications', { isMainFrame: true, requestingUrl: 'https://evil.example/' })).toBe(false);
  });
});

describe('permission check handler', () => {
  const check = (permission: string, origin: string, details: Parameters<typeof onPermissionCheck>[3]): boolean => onPermissionCheck(undefined, permission, origin, details);

  it('answers a camera check for the app page, and nothing else', () => {
    expect(check('media', APP_ORIGIN, { isMainFrame: true, requestingUrl: APP_ENTRY_URL, securityOrigin: APP_ORIGIN, mediaType: 'video' })).toBe(true);
    expect(check('media', APP_ORIGIN, { isMainFrame: true, requestingUrl: APP_ENTRY_URL, mediaType: 'audio' })).toBe(false);
    expect(check('media', APP_ORIGIN, { isMainFrame: true, requestingUrl: APP_ENTRY_URL, mediaType: 'unknown' })).toBe(false);
    expect(check('media', APP_ORIGIN, { isMainFrame: true, requestingUrl: APP_ENTRY_URL })).toBe(false);
    expect(check('media', APP_ORIGIN, { isMainFrame: false, requestingUrl: APP_ENTRY_URL, mediaType: 'video' })).toBe(false);
    expect(check('media', 'https://evil.example', { isMainFrame: true, requestingUrl: 'https://evil.example/', mediaType: 'video' })).toBe(false);
    expect(check('notifications', APP_ORIGIN, { isMainFrame: true, requestingUrl: APP_ENTRY_URL })).toBe(true);
    expect(check('notifications', APP_ORIGIN, { isMainFrame: true })).toBe(true);
    expect(check('geolocation', APP_ORIGIN, { isMainFrame: true, requestingUrl: APP_ENTRY_URL })).toBe(false);
  });
});

describe('Permissions-Policy header', () => {
  it('lets only the app’s own page use the camera, and nothing use the microphone', () => {
    const policy = Object.fromEntries(SECURITY_HEADERS['Permissions-Policy']?.split(', ').map((d) => d.split('=')) ?? []);
    expect(policy.camera).toBe('(self)');
    expect(policy.microphone).toBe('()');
    expect(policy.geolocation).toBe('()');
  });
});
