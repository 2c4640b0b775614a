import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/test-engines.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/start-electron.mjs', import.meta.url));

describe("npm start without Electron's binary", () => {
  it('says what happened, points to npm run web, and exits non-zero', async () => {
    const empty = tempDir();
    try {
      // An empty dist folder stands in for a download that never happened.
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, [SCRIPT], { env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty.path } }, (error, _stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr });
        });
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Electron's binary is not installed/);
      expect(result.stderr).toMatch(/npm run web/);
      expect(result.stderr).not.toMatch(/fetch failed|\n\s+at /);
    } finally {
      empty.cleanup();
    }
  });
});
