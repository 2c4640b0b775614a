/**
 * What the session answers when the page asks for a permission (a prompt) or checks one (a query),
 * as plain functions with Electron's argument shapes, so they are unit-tested without Electron.
 *
 * Besides notifications and clipboard writing (security-policy.ts), the app's own page may use the
 * camera, for scanning a contact's safety-number QR code: video only (never the microphone, never
 * screen capture), only from the main frame of app://kizuna. Everything else is refused.
 */
import type { PermissionCheckHandlerHandlerDetails, PermissionRequest, MediaAccessPermissionRequest } from 'electron';
import { APP_ORIGIN, isAppUrl, isPermissionAllowed } from './security-policy.js';

/** The facts a decision uses; Electron's request details carry these fields (some optional). */
export type PermissionRequestDetails = PermissionRequest & Partial<Pick<MediaAccessPermissionRequest, 'mediaTypes' | 'securityOrigin'>>;

/** An origin Electron reports, when present, must be the app's (no opaque or foreign origin). */
function appOriginOrAbsent(origin: string | undefined): boolean {
  return origin === undefined || origin === APP_ORIGIN || origin === `${APP_ORIGIN}/`;
}

/** The camera, asked for by the app page itself: a non-empty list of media types, all 'video'. */
export function isCameraRequestAllowed(details: PermissionRequestDetails): boolean {
  const types = details.mediaTypes ?? [];
  return (
    details.isMainFrame &&
    isAppUrl(details.requestingUrl) &&
    appOriginOrAbsent(details.securityOrigin) &&
    types.length > 0 &&
    types.every((t) => t === 'video')
  );
}

export function decidePermissionRequest(permission: string, details: PermissionRequestDetails): boolean {
  if (permission === 'media') return isCameraRequestAllowed(details);
  return details.isMainFrame && isPermissionAllowed(permission, details.requestingUrl);
}

/** For `setPermissionRequestHandler`: answers every request exactly once. */
export function onPermissionRequest(_contents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionRequestDetails): void {
  let granted = false;
  try {
    granted = decidePermissionRequest(permission, details);
  } finally {
    callback(granted);
  }
}

/**
 * For `setPermissionCheckHandler` (permission queries, device enumeration): the same answers. A
 * media check names one type at a time; only 'video' from the app's main frame is allowed.
 */
export function onPermissionCheck(_contents: unknown, permission: string, requestingOrigin: string, details: PermissionCheckHandlerHandlerDetails): boolean {
  const url = details.requestingUrl ?? requestingOrigin;
  if (permission === 'media') {
    return details.isMainFrame && details.mediaType === 'video' && isAppUrl(url) && appOriginOrAbsent(details.securityOrigin);
  }
  return details.isMainFrame && isPermissionAllowed(permission, url);
}
