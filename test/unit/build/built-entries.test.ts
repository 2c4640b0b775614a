/**
 * Issue 13's fast start for the headless host and the test processes: `npm run web` runs the built
 * CLI (not tsx), and the processes tests fork are built JavaScript that starts on plain Node.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testProcessFile } from '../../../scripts/test-process-bundle-options.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('built entries', () => {
  it('npm run web builds the CLI and starts its web command from dist/cli', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['web']).toBe('npm run build:cli --silent && node dist/cli/kizuna.js web');
    expect(pkg.scripts['web']).not.toMatch(/tsx/);
  });

  it("the core process entry (built by vitest's global setup) loads on plain Node without tsx", () => {
    // Without an IPC channel the entry only registers its listeners, so it loads its whole graph and exits.
    const r = spawnSync(process.execPath, [testProcessFile(root, 'core-process-entry')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });
});
