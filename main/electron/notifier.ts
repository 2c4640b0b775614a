/**
 * The one thing the shell's notification logic needs from the desktop: put a notification on screen
 * and close it again. Electron's Notification sits behind it (electron-notifier.ts); tests use a fake
 * (test/helpers/fake-notifier.ts), so what is on screen is asserted without Electron.
 */
import type { NotificationContent } from './notification-policy.js';

/** A notification on screen, as its shower may close it. */
export interface OnScreenNotification {
  /** Takes it off screen (and out of the OS's notification centre). Closing twice is harmless. */
  close(): void;
}

export interface Notifier {
  /**
   * Shows `content`. `gone` is called once if the user clicks or closes it (a click also opens what
   * `content.open` names); never for a close through the returned handle.
   */
  show(content: NotificationContent, gone: () => void): OnScreenNotification;
}
