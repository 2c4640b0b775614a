/**
 * Issue 13's fast start: `kizuna group list` (and the other read-only commands on
 * main/cli/commands/read-commands.ts) must not load the engine's heavy code. This reads esbuild's
 * metafile of the CLI bundle as it ships and follows the static imports (what Node loads before
 * any code of the chunk runs) from the entry through the read-only commands' chunk: none of the
 * modules reached may come from ts-mls, grpc-js, protobufjs, libsodium or the SLIM bindings.
 */
import { build, type Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuildOptions } from '../../../scripts/cli-bundle-options.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const HEAVY = /(^|\/)node_modules\/(ts-mls|@grpc|protobufjs|@protobufjs|libsodium|libsodium-wrappers|@agntcy|@hpke)\/|^(ts-mls|@grpc\/|protobufjs|libsodium|@agntcy\/)/;

type Outputs = Metafile['outputs'];

/** The output whose chunk holds `source` as its entry (a command module is a dynamic-import entry). */
function outputFor(outputs: Outputs, source: string): string {
  const found = Object.entries(outputs).find(([, o]) => o.entryPoint !== undefined && o.entryPoint.endsWith(source));
  if (found === undefined) throw new Error(`no chunk for ${source}`);
  return found[0];
}

/** Every input module and external package Node loads when `start` is imported (static imports only). */
function staticallyLoaded(outputs: Outputs, starts: string[]): { modules: Set<string>; externals: Set<string> } {
  const modules = new Set<string>();
  const externals = new Set<string>();
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length > 0) {
    const path = queue.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const output = outputs[path];
    if (output === undefined) throw new Error(`unknown output ${path}`);
    for (const input of Object.keys(output.inputs)) modules.add(input);
    for (const imp of output.imports) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external === true) externals.add(imp.path);
      else queue.push(imp.path);
    }
  }
  return { modules, externals };
}

describe('the CLI read-only path (built bundle)', () => {
  let outputs: Outputs;

  beforeAll(async () => {
    const result = await build({ ...cliBuildOptions(root), write: false, metafile: true, logLevel: 'silent' });
    // An output's static imports name other outputs by the same keys (paths relative to the working directory).
    outputs = result.metafile.outputs;
  });

  it('kizuna.js → read-commands loads none of ts-mls, grpc-js, protobufjs, libsodium or the SLIM bindings', () => {
    const entry = outputFor(outputs, 'main/cli/kizuna.ts');
    const reads = outputFor(outputs, 'main/cli/commands/read-commands.ts');
    const config = outputFor(outputs, 'main/cli/cli-config.ts');
    const { modules, externals } = staticallyLoaded(outputs, [entry, reads, config]);
    expect([...modules].some((m) => m.endsWith('main/core/engine/profile-reader.ts'))).toBe(true);
    expect([...modules].filter((m) => HEAVY.test(m))).toEqual([]);
    expect([...modules].filter((m) => m.endsWith('main/core/engine/engine.ts') || m.endsWith('main/core/crypto/sodium.ts'))).toEqual([]);
    expect([...externals].filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it('the check sees heavy code where it is: the full group command loads ts-mls and libsodium', () => {
    const { modules } = staticallyLoaded(outputs, [outputFor(outputs, 'main/cli/commands/group-commands.ts')]);
    const heavy = [...modules].filter((m) => HEAVY.test(m)).join('\n');
    expect(heavy).toMatch(/node_modules\/ts-mls\//);
    expect(heavy).toMatch(/node_modules\/libsodium/);
  });
});
