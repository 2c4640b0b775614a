import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is built once into dist/renderer and loaded from disk (Electron) or served by the
// browser host, so every asset path is relative ('./') and nothing depends on a dev server.
export const rendererRoot = fileURLToPath(new URL('./renderer', import.meta.url));
export const rendererOutDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

// Vite reads its config from the default export: the one default export in the project, by necessity.
export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir: rendererOutDir,
    emptyOutDir: true,
    // Electron 45 ships a current Chromium; the browser host is used with Chromium too.
    target: 'chrome120',
    sourcemap: true,
    reportCompressedSize: false,
  },
});
