/**
 * The bundles as they ship, run in a bare JavaScript context (no Node, as in a sandboxed preload or
 * a page): the preload requires nothing but 'electron' and exposes exactly window.kizuna; the page
 * bridge defines window.kizuna and takes the token out of the address bar.
 */
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleJobs } from '../../../scripts/bundle-options.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function bundle(index: number): Promise<string> {
  const job = bundleJobs(root)[index];
  if (job === undefined) throw new Error('no such bundle');
  const { outfile: _outfile, ...options } = job;
  const result = await build({ ...options, write: false });
  return result.outputFiles[0]?.text ?? '';
}

describe('bundled preload and page bridge', () => {
  let preload: string;
  let passphrasePreload: string;
  let bridge: string;

  beforeAll(async () => {
    [preload, passphrasePreload, bridge] = await Promise.all([bundle(0), bundle(1), bundle(2)]);
  });

  it('the preload requires only electron, and is small (no schemas inside)', () => {
    const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(preload.length).toBeLessThan(40_000);
    expect([...passphrasePreload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(bridge.length).toBeLessThan(40_000);
  });

  it('the preload exposes exactly window.kizuna, backed by the one invoke channel', async () => {
    const exposed: { key: string; api: Record<string, unknown> }[] = [];
    const sent: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push({ key, api }) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => {
          sent.push(args);
          return { ok: true, value: 'pong' };
        },
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const requireInSandbox = (name: string): unknown => {
      if (name === 'electron') return electron;
      throw new Error(`the sandbox has no ${name}`);
    };
    const sandbox = { require: requireInSandbox, module: { exports: {} }, exports: {}, queueMicrotask, setTimeout, clearTimeout, Promise };
    runInNewContext(preload, sandbox);
    expect(exposed.map((e) => e.key)).toEqual(['kizuna']);
    const api = exposed[0]?.api as { invoke: (n: string, i: unknown) => Promise<unknown>; host: string };
    expect(Object.keys(api).sort()).toEqual(['host', 'invoke', 'on', 'watchLink']);
    expect(api.host).toBe('electron');
    expect(await api.invoke('groups.list', {})).toBe('pong');
    expect(sent).toEqual([['kizuna:invoke', 'groups.list', {}]]);
    await expect(api.invoke('app.quit', {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('the page bridge defines a read-only window.kizuna and removes the token from the address', () => {
    const opened: string[] = [];
    const replaced: string[] = [];
    class FakeSocket {
      readyState = 0;
      constructor(url: string) {
        opened.push(url);
      }
      send(): void {}
      close(): void {}
      addEventListener(): void {}
    }
    const window: Record<string, unknown> = {
      location: { protocol: 'http:', host: '127.0.0.1:4321', search: '?token=abc&lang=ja', pathname: '/', hash: '#/chat' },
      history: { replaceState: (_d: unknown, _t: string, url: string) => replaced.push(url) },
      WebSocket: FakeSocket,
      URLSearchParams,
      setTimeout,
      clearTimeout,
      queueMicrotask,
    };
    window['globalThis'] = window;
    runInNewContext(bridge, window);
    const api = window['kizuna'] as { host: string; invoke: unknown; on: unknown };
    expect(api.host).toBe('browser');
    expect(typeof api.invoke).toBe('function');
    expect(opened).toEqual(['ws://127.0.0.1:4321/kizuna-bridge?token=abc']);
    expect(replaced).toEqual(['/?lang=ja#/chat']);
    expect(() => {
      'use strict';
      (window as { kizuna: unknown }).kizuna = { host: 'fake' };
    }).toThrow();
  });
});
