/** The one app window: secure webPreferences, the renderer from app://kizuna/, shown when painted. */
import { BrowserWindow, nativeTheme } from 'electron';
import { APP_ENTRY_URL, secureWebPreferences } from './security-policy.js';

export interface MainWindowOptions {
  preloadPath: string;
  iconPath: string;
  /** When true, closing the window hides it (the app lives on in the tray); quitting is explicit. */
  hideOnClose: () => boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    title: 'Kizuna',
    icon: options.iconPath,
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1f22' : '#ffffff',
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    if (options.hideOnClose()) {
      event.preventDefault();
      win.hide();
    }
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

/** Shows, restores and focuses the window (second instance, tray click, notification click). */
export function revealWindow(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
