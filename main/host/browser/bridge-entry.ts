/**
 * Entry of /kizuna-bridge.js (bundled into one classic script by scripts/build-bundles.mjs): gives
 * the page `window.kizuna` before the renderer's module script runs.
 */
import { installBrowserKizuna, type BrowserGlobals } from './bridge-client.js';

installBrowserKizuna(globalThis as unknown as BrowserGlobals);
