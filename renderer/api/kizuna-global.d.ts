import type { KizunaApi } from '../../shared/ipc/ipc-contract';

// The preload (Electron) or the browser host's injected script defines this before the UI runs;
// it is the renderer's only door to the core.
declare global {
  interface Window {
    kizuna?: KizunaApi;
  }
}

export {};
