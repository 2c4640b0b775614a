import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { BRIDGE_SCRIPT_PATH } from './bridge-protocol.js';

/**
 * Where /kizuna-bridge.js comes from. Compiled (dist/main/host/browser/*.js), the host serves the
 * bundle `npm run build` wrote to dist/bridge/. From sources (tests, `npm run web`), it bundles
 * bridge-entry.ts in memory with esbuild on first use, so it can never be stale.
 */
export const BRIDGE_BUNDLE_FILE = 'kizuna-bridge.js';

/** esbuild options for the bridge bundle (also used by scripts/build-bundles.ts). */
export function bridgeBuildOptions(entryPoint: string) {
  return {
    entryPoints: [entryPoint],
    bundle: true,
    format: 'iife' as const,
    platform: 'browser' as const,
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    legalComments: 'none' as const,
    logLevel: 'silent' as const,
  };
}

function fromSources(): boolean {
  return extname(fileURLToPath(import.meta.url)) === '.ts';
}

/** The compiled bundle's path for the current layout. */
export function builtBridgePath(): string {
  // the bundled CLI (dist/cli, scripts/cli-bundle-options.ts) keeps the bridge beside its chunks
  const beside = fileURLToPath(new URL(`./${BRIDGE_BUNDLE_FILE}`, import.meta.url));
  if (!fromSources() && existsSync(beside)) return beside;
  // sources: <root>/main/host/browser → <root>/dist/bridge; compiled: <root>/dist/main/host/browser → <root>/dist/bridge
  return fileURLToPath(new URL(`${fromSources() ? '../../../dist/bridge/' : '../../../bridge/'}${BRIDGE_BUNDLE_FILE}`, import.meta.url));
}

let cached: Promise<string> | undefined;

/** The bridge script's text (`explicitPath` wins; otherwise as described above). */
export function loadBridgeScript(explicitPath?: string): Promise<string> {
  if (explicitPath !== undefined) return readFile(explicitPath, 'utf8');
  if (cached === undefined) {
    cached = (fromSources() ? bundleFromSources() : readBuilt()).catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
  }
  return cached;
}

async function readBuilt(): Promise<string> {
  const path = builtBridgePath();
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new KizunaError('INVALID_CONFIG', `The browser bridge script is missing (${path}); run "npm run build".`, undefined, { cause: err });
  }
}

async function bundleFromSources(): Promise<string> {
  // esbuild is a development dependency (through vite and tsx); imported only when running from sources.
  const esbuild = await import('esbuild');
  const entry = fileURLToPath(new URL('./bridge-entry.ts', import.meta.url));
  const result = await esbuild.build({ ...bridgeBuildOptions(entry), write: false });
  const file = result.outputFiles[0];
  if (file === undefined) throw new KizunaError('INTERNAL', 'esbuild produced no bridge bundle.');
  return file.text;
}

/**
 * Puts `<script src="/kizuna-bridge.js">` before the page's first script (or at the end of <head>), so
 * `window.kizuna` exists before any app script runs.
 */
export function injectBridgeScript(html: string): string {
  const tag = `<script src="${BRIDGE_SCRIPT_PATH}"></script>`;
  const firstScript = html.search(/<script[\s>]/i);
  if (firstScript >= 0) return html.slice(0, firstScript) + tag + html.slice(firstScript);
  const headEnd = html.search(/<\/head>/i);
  if (headEnd >= 0) return html.slice(0, headEnd) + tag + html.slice(headEnd);
  return tag + html;
}
