/**
 * Kizuna's Electron main process: the thin shell. It owns the window, tray, menus, notifications and
 * the OS keyring; the core (SQLite, MLS, the SLIM session and embedded node) runs in a worker thread
 * (main/host/worker) and the UI reaches it only through the IPC contract, relayed here.
 *
 * Profile: <userData>/profile. KIZUNA_DATA_DIR moves userData (and with it the single-instance lock),
 * so two profiles can run side by side on one machine.
 */
import { join, resolve } from 'node:path';
import { app, dialog, ipcMain, safeStorage, session, type BrowserWindow } from 'electron';
import { toKizunaError } from '../../shared/errors/kizuna-error.js';
import type { DeepLink } from '../../shared/ipc/ipc-contract.js';
import { createLogger } from '../core/log/logger.js';
import { startCoreWorker, type CoreWorker } from '../host/worker/core-worker.js';
import { installAppMenu } from './app-menu.js';
import { registerAppScheme, rendererDirFor, serveRenderer } from './app-protocol.js';
import { Attention } from './attention.js';
import { shellCore } from './core-port.js';
import { DEEP_LINK_SCHEME, findDeepLink, parseDeepLink } from './deep-link.js';
import { connectIpc, type IpcRelay } from './ipc-relay.js';
import { keyringStatus, planKeyProtection, readStoredKeyKind, safeStorageKeyring } from './key-protection.js';
import { createMainWindow, revealWindow } from './main-window.js';
import { promptPassphrase } from './passphrase-prompt.js';
import { routeShellRequests } from './shell-requests.js';
import { slimNodeEntry, utilityProcessNodeLauncher } from './slim-node-utility.js';
import { createAppTray, type AppTray } from './tray.js';
import { hardenSession, hardenWebContents } from './window-guards.js';

const log = createLogger('shell');

const dataDirOverride = process.env['KIZUNA_DATA_DIR'];
if (dataDirOverride !== undefined && dataDirOverride !== '') app.setPath('userData', resolve(dataDirOverride));
const dataDir = join(app.getPath('userData'), 'profile');

const appPath = app.getAppPath();
const paths = {
  renderer: rendererDirFor(appPath),
  preload: join(appPath, 'dist', 'preload', 'preload.cjs'),
  passphrasePreload: join(appPath, 'dist', 'preload', 'passphrase-preload.cjs'),
  icon: app.isPackaged ? join(process.resourcesPath, 'icons', 'icon.png') : join(appPath, 'build', 'icons', 'icon.png'),
};

let worker: CoreWorker | null = null;
let mainWindow: BrowserWindow | null = null;
let relay: IpcRelay | null = null;
let attention: Attention | null = null;
let tray: AppTray | null = null;
let quitting = false;
let shutDown = false;
const pendingLinks: DeepLink[] = [];

function deliver(link: DeepLink | null): void {
  if (link === null) return;
  if (mainWindow !== null && !mainWindow.isDestroyed()) revealWindow(mainWindow);
  if (relay === null) pendingLinks.push(link);
  else relay.sendDeepLink(link);
}

function quit(): void {
  quitting = true;
  app.quit();
}

registerAppScheme();
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
// macOS delivers links through open-url, possibly before ready.
app.on('open-url', (event, url) => {
  event.preventDefault();
  deliver(parseDeepLink(url));
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    if (mainWindow !== null && !mainWindow.isDestroyed()) revealWindow(mainWindow);
    deliver(findDeepLink(argv));
  });
  app.on('before-quit', (event) => {
    quitting = true;
    if (shutDown) return;
    event.preventDefault();
    void shutdown().finally(() => {
      shutDown = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => {
    // Not while starting: the passphrase window closes before the app window opens.
    if (process.platform !== 'darwin' && mainWindow !== null) quit();
  });
  app.on('activate', () => {
    if (mainWindow !== null && !mainWindow.isDestroyed()) revealWindow(mainWindow);
  });
  app.whenReady().then(start).catch(fail);
}

function registerProtocolClient(): void {
  // Unpackaged (`electron .`), the OS must start electron with the app folder as its argument.
  const script = process.argv[1];
  const ok =
    process.defaultApp && script !== undefined
      ? app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(script)])
      : app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  if (!ok) log.warn('could not register the kizuna:// protocol handler');
}

async function start(): Promise<void> {
  // Windows shows toasts only for an app with a user model id (the appId of build/electron-builder.config.cjs).
  if (process.platform === 'win32') app.setAppUserModelId('org.kizuna.desktop');
  hardenSession(session.defaultSession);
  serveRenderer(session.defaultSession, paths.renderer);
  installAppMenu({ quit, devTools: !app.isPackaged });
  registerProtocolClient();

  worker = await openCore();
  if (worker === null) {
    quit();
    return;
  }
  worker.onExit((error) => {
    if (quitting) return;
    dialog.showErrorBox('Kizuna stopped', `${error.message} Your messages are safe; please start Kizuna again.`);
    quit();
  });

  tray = createAppTray(paths.icon, { open: () => mainWindow !== null && revealWindow(mainWindow), quit });
  mainWindow = createMainWindow({ preloadPath: paths.preload, iconPath: paths.icon, hideOnClose: () => !quitting && (tray !== null || process.platform === 'darwin') });
  const win = mainWindow;
  win.on('closed', () => {
    // Without a tray the window really closes: that ends the app (except on macOS, by convention).
    if (process.platform !== 'darwin' && !quitting) quit();
    if (mainWindow === win) mainWindow = null;
  });
  const attend = new Attention({
    core: shellCore(worker),
    window: () => mainWindow,
    iconPath: paths.icon,
    open: (link) => deliver(link),
    unreadChanged: (total) => tray?.setUnread(total),
  });
  attention = attend;
  const route = routeShellRequests(worker, {
    openChat: (groupId) => attend.setOpenChat(groupId),
    settingsChanged: (settings) => attend.settingsChanged(settings),
  });
  relay = connectIpc({ ipc: ipcMain, worker, window: () => mainWindow, route });
  void attend.start();

  const initial = findDeepLink(process.argv);
  if (initial !== null) pendingLinks.unshift(initial);
  for (const link of pendingLinks.splice(0)) relay.sendDeepLink(link);
}

/** Opens the profile in the worker, with the keyring or a passphrase; null when it cannot or the user quit. */
async function openCore(): Promise<CoreWorker | null> {
  // The embedded SLIM node runs as a utility process started here (fork() needs the RunAsNode fuse).
  const launchNode = utilityProcessNodeLauncher(slimNodeEntry(app, process.resourcesPath));
  try {
    const plan = planKeyProtection(await readStoredKeyKind(dataDir), keyringStatus(safeStorage, process.platform));
    if (plan.kind === 'refuse') {
      dialog.showErrorBox('Kizuna cannot open your profile', plan.error.message);
      return null;
    }
    if (plan.kind === 'os-keyring') {
      return await startCoreWorker({ dataDir, key: { kind: 'os-keyring', keyring: safeStorageKeyring(safeStorage) }, launchNode });
    }
    let opened: CoreWorker | null = null;
    const passphrase = await promptPassphrase({
      mode: plan.mode,
      message: plan.message,
      preloadPath: paths.passphrasePreload,
      check: async (candidate) => {
        try {
          opened = await startCoreWorker({ dataDir, key: { kind: 'passphrase', passphrase: candidate }, launchNode });
          return null;
        } catch (err) {
          const e = toKizunaError(err);
          return e.code === 'STORE_WRONG_KEY' ? 'This passphrase does not open your profile.' : e.message;
        }
      },
    });
    return passphrase === null ? null : opened;
  } catch (err) {
    const e = toKizunaError(err);
    log.error('could not open the profile', { code: e.code });
    dialog.showErrorBox('Kizuna cannot open your profile', e.message);
    return null;
  }
}

/** Stops everything in order: UI plumbing, then the core (which stops the embedded SLIM node). */
async function shutdown(): Promise<void> {
  attention?.dispose();
  relay?.dispose();
  tray?.destroy();
  tray = null;
  try {
    await worker?.close();
  } catch (err) {
    log.error('closing the core failed', { reason: err instanceof Error ? err.message : String(err) });
  }
  worker = null;
}

function fail(err: unknown): void {
  const e = toKizunaError(err);
  log.error('start-up failed', { code: e.code, reason: e.message });
  dialog.showErrorBox('Kizuna could not start', e.message);
  quit();
}
