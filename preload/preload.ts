/**
 * The app window's preload (sandboxed; bundled into dist/preload/preload.cjs by scripts/build-bundles.ts).
 * Exposes exactly `window.kizuna` and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './kizuna-bridge.js';

contextBridge.exposeInMainWorld('kizuna', createPreloadApi(ipcRenderer));
