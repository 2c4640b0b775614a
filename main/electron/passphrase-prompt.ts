/**
 * A small modal window asking for the passphrase (when the system keyring cannot be used, or the
 * profile was created with a passphrase). `check` decides: it returns a problem to show, or null to
 * accept; the window stays until a passphrase is accepted or the user quits.
 */
import { BrowserWindow, ipcMain, type IpcMainEvent } from 'electron';
import { PASSPHRASE_FEEDBACK_CHANNEL, PASSPHRASE_SUBMIT_CHANNEL } from '../../preload/passphrase-channel.js';
import { newPassphraseProblem } from './key-protection.js';
import { passphrasePageHtml } from './passphrase-prompt-page.js';
import { secureWebPreferences } from './security-policy.js';

export interface PassphrasePromptOptions {
  mode: 'new' | 'existing';
  message: string;
  preloadPath: string;
  /** Tries the passphrase (e.g. opens the profile with it); returns a problem in words, or null on success. */
  check(passphrase: string): Promise<string | null>;
}

/** Resolves with the accepted passphrase, or null when the user quits. */
export function promptPassphrase(options: PassphrasePromptOptions): Promise<string | null> {
  return new Promise((resolve) => {
    const win = new BrowserWindow({
      width: 460,
      height: options.mode === 'new' ? 400 : 320,
      resizable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      title: 'Kizuna',
      show: false,
      webPreferences: secureWebPreferences(options.preloadPath),
    });
    win.setMenuBarVisibility(false);
    let settled = false;
    let busy = false;
    const finish = (value: string | null): void => {
      if (settled) return;
      settled = true;
      ipcMain.removeListener(PASSPHRASE_SUBMIT_CHANNEL, onSubmit);
      if (!win.isDestroyed()) win.destroy();
      resolve(value);
    };
    const onSubmit = (event: IpcMainEvent, message: unknown): void => {
      if (event.sender !== win.webContents || busy) return;
      const m = message as { action?: unknown; passphrase?: unknown; confirm?: unknown } | null;
      if (m?.action === 'cancel') {
        finish(null);
        return;
      }
      if (m?.action !== 'submit' || typeof m.passphrase !== 'string') return;
      const passphrase = m.passphrase;
      const confirm = typeof m.confirm === 'string' ? m.confirm : null;
      const problem = options.mode === 'new' ? newPassphraseProblem(passphrase, confirm) : passphrase === '' ? 'Enter your passphrase.' : null;
      if (problem !== null) {
        win.webContents.send(PASSPHRASE_FEEDBACK_CHANNEL, problem);
        return;
      }
      busy = true;
      void options
        .check(passphrase)
        .catch((err: unknown) => (err instanceof Error ? err.message : 'The passphrase could not be checked.'))
        .then((result) => {
          busy = false;
          if (result === null) finish(passphrase);
          else if (!win.isDestroyed()) win.webContents.send(PASSPHRASE_FEEDBACK_CHANNEL, result);
        });
    };
    ipcMain.on(PASSPHRASE_SUBMIT_CHANNEL, onSubmit);
    win.on('closed', () => finish(null));
    win.once('ready-to-show', () => win.show());
    void win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(passphrasePageHtml({ mode: options.mode, message: options.message }))}`);
  });
}
