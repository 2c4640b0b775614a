/**
 * ESLint's import boundaries (eslint.config.js) catch what they must: probe files are linted as if
 * they sat in each folder, with the project's own configuration. The type-aware rules are left out
 * for the probes, which are not files of a TypeScript project.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const TYPE_AWARE = ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises', '@typescript-eslint/await-thenable'];

describe('lint boundaries', () => {
  let eslint: ESLint;

  beforeAll(() => {
    eslint = new ESLint({
      cwd: root,
      overrideConfig: [{ languageOptions: { parserOptions: { project: false } }, rules: Object.fromEntries(TYPE_AWARE.map((r) => [r, 'off'])) }],
    });
  });

  /** The rules that fire on one line of code placed at `path`. */
  async function findings(path: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\n`, { filePath: `${root}${path}` });
    return (result?.messages ?? []).map((m) => m.ruleId ?? m.message).filter((r) => r !== '@typescript-eslint/no-unused-vars');
  }

  it('keeps the renderer away from Node, Electron and main/', async () => {
    const restricted = ['no-restricted-imports'];
    expect(await findings('renderer/probe.ts', "import { readFile } from 'node:fs';")).toEqual(restricted);
    expect(await findings('renderer/features/probe.tsx', "import { join } from 'path';")).toEqual(restricted);
    expect(await findings('renderer/probe.ts', "import type { BrowserWindow } from 'electron';")).toEqual(restricted);
    expect(await findings('renderer/state/probe.ts', "import { createKizunaCore } from '../../main/host/create-core';")).toEqual(restricted);
    expect(await findings('renderer/state/probe.ts', "import { call } from '../api/kizuna-client';")).toEqual([]);
    expect(await findings('renderer/state/probe.ts', "import type { KizunaApi } from '../../shared/ipc/ipc-contract';")).toEqual([]);
  });

  it('keeps Electron out of main/core entirely, and to type imports outside the shell and the preload', async () => {
    expect(await findings('main/core/probe.ts', "import type { App } from 'electron';")).toEqual(['no-restricted-imports']);
    expect(await findings('main/host/probe.ts', "import type { App } from 'electron';")).toEqual([]);
    expect(await findings('main/host/probe.ts', "import { app } from 'electron';")).toEqual(['no-restricted-imports']);
    expect(await findings('test/unit/probe.test.ts', "import { ipcMain } from 'electron/main';")).toEqual(['no-restricted-imports']);
    // `import { type X }` still loads the module: not a type-only import.
    expect(await findings('main/host/probe.ts', "import { type App } from 'electron';")).toContain('@typescript-eslint/no-import-type-side-effects');
    expect(await findings('main/electron/probe.ts', "import { app } from 'electron';")).toEqual([]);
  });

  it('lets the preload import only electron and shared/', async () => {
    expect(await findings('preload/probe.ts', "import { contextBridge } from 'electron';")).toEqual([]);
    expect(await findings('preload/probe.ts', "import { createKizunaClient } from '../shared/ipc/ipc-client.js';")).toEqual([]);
    expect(await findings('preload/probe.ts', "import { z } from 'zod';")).toEqual(['no-restricted-imports']);
    expect(await findings('preload/probe.ts', "import { readFile } from 'node:fs';")).toEqual(['no-restricted-imports']);
    expect(await findings('preload/probe.ts', "import { x } from '../main/host/request-dispatch.js';")).toEqual(['no-restricted-imports']);
  });

  it('refuses default exports and unused eslint-disable comments', async () => {
    expect(await findings('main/host/probe.ts', 'export default 1;')).toEqual(['no-restricted-exports']);
    expect(await findings('shared/probe.ts', '// eslint-disable-next-line no-control-regex\nexport const a = 1;')).toEqual([expect.stringContaining('Unused eslint-disable')]);
  });
});
