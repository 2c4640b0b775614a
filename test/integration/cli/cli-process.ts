import { fileURLToPath } from 'node:url';

/**
 * The built `kizuna` (dist/cli/kizuna.js, bundled by scripts/build-cli.ts): what tests spawn, so a
 * command starts in a fraction of what tsx needs and no longer times out on a loaded machine.
 * test/integration/cli/cli-global-setup.ts builds it once per run.
 */
export function cliPath(): string {
  return fileURLToPath(new URL('../../../dist/cli/kizuna.js', import.meta.url));
}
