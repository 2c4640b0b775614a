/**
 * The Notifier (notifier.ts) over Electron's Notification: the only place that puts a desktop
 * notification on screen. Everything deciding what to show or take back is in attention-state.ts
 * and notice-board.ts, tested without Electron.
 */
import { Notification } from 'electron';
import type { DeepLink } from '../../shared/ipc/ipc-contract.js';
import type { Notifier, OnScreenNotification } from './notifier.js';

/** A notification on platforms without them: nothing to close. */
const NOTHING_ON_SCREEN: OnScreenNotification = { close: () => undefined };

export function electronNotifier(iconPath: string, open: (link: DeepLink) => void): Notifier {
  return {
    show(content, gone) {
      if (!Notification.isSupported()) return NOTHING_ON_SCREEN;
      const n = new Notification({ title: content.title, body: content.body, icon: iconPath, silent: false });
      // Some platforms also emit 'close' for n.close(): once ended, by either side, it reports nothing more.
      let ended = false;
      const end = (): boolean => {
        if (ended) return false;
        ended = true;
        return true;
      };
      n.on('click', () => {
        if (end()) gone();
        open(content.open);
      });
      n.on('close', () => {
        if (end()) gone();
      });
      n.show();
      // The handle keeps `n` referenced while it is on screen, or its click handler may be collected.
      return {
        close: () => {
          if (end()) n.close();
        },
      };
    },
  };
}
