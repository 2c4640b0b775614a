/**
 * The worker threads the core starts must start from the bundles too (the CLI, whose engines run
 * bots and `kizuna web`, and the processes tests and benchmarks fork). A worker's entry is looked
 * for beside the module that starts it (threads/worker-entry-source.ts), which in a bundle is a
 * chunk in the output folder: an entry missing there fails to start, and the signature pool then
 * stays off without a word (every received signature verified on the engine's thread).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBuildOptions } from '../../../scripts/cli-bundle-options.js';
import { TEST_PROCESS_OUT_DIR, testProcessBuildOptions } from '../../../scripts/test-process-bundle-options.js';
import { loadSodium } from '../../../main/core/crypto/sodium.js';
import { readEnvelope } from '../../../main/core/envelopes/envelope-reader.js';
import { PAIR_BYTES, packLengthPrefixed } from '../../../main/core/envelopes/signature-worker-protocol.js';
import { forged } from '../../adversarial/attack-kit.js';
import { outsiderKeys } from '../../adversarial/hostile-world.js';
import { startLoneSignatureWorker, signedHeartbeat, type LoneSignatureWorker } from '../../helpers/signature-worker.js';
import { filesBelow } from './source-files.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every `workerEntrySource(import.meta.url, '<entry>')` in main/: the starting module and its entry's name. */
function workerStarts(): { module: string; entry: string }[] {
  return filesBelow(join(root, 'main'), (name) => name.endsWith('.ts')).flatMap((path) =>
    [...readFileSync(path, 'utf8').matchAll(/workerEntrySource\(import\.meta\.url, '([\w-]+)'\)/g)].map((m) => ({ module: relative(root, path), entry: m[1]! })),
  );
}

/** The source files a bundle takes in, relative to the project (esbuild's metafile, nothing written). */
async function bundledModules(options: BuildOptions): Promise<Set<string>> {
  const result = await build({ ...options, write: false, metafile: true, logLevel: 'silent' });
  return new Set(Object.keys(result.metafile.inputs));
}

describe('worker entries in the node bundles', () => {
  it('every worker a bundled module starts is an entry of that bundle', async () => {
    const starts = workerStarts();
    // The scan found the workers it must (a rename of the helper would otherwise pass this vacuously).
    expect(starts.map((s) => s.entry)).toEqual(expect.arrayContaining(['signature-worker-entry', 'core-worker-entry']));
    for (const [name, options] of [['cli', cliBuildOptions(root)], ['test processes', testProcessBuildOptions(root)]] as const) {
      const modules = await bundledModules(options);
      const entries = Object.keys(options.entryPoints as Record<string, string>);
      const inBundle = starts.filter((s) => modules.has(s.module));
      expect(inBundle.map((s) => s.module), `${name}: the signature pool is bundled`).toContain('main/core/envelopes/signature-pool.ts');
      for (const s of inBundle) expect(entries, `${name}: ${s.module} starts ${s.entry}`).toContain(s.entry);
    }
  });

  describe('the built signature worker (beside the test processes, built by the global setup)', () => {
    let worker: LoneSignatureWorker;
    beforeAll(async () => {
      await loadSodium();
      worker = await startLoneSignatureWorker(join(root, TEST_PROCESS_OUT_DIR, 'signature-worker-entry.js'), { execArgv: [] });
    });
    afterAll(() => worker.end());

    it('starts on plain Node and answers the genuine envelopes of a batch, not the forged one', async () => {
      const keys = outsiderKeys();
      const genuine = [1, 2].map((sentAt) => signedHeartbeat(keys, sentAt));
      const envelopes = packLengthPrefixed([genuine[0]!, forged(genuine[1]!), genuine[1]!]);
      const r = await worker.ask({ batch: 5, envelopes }, [envelopes.buffer]);
      if (r.kind !== 'checked') throw new Error('expected a checked reply');
      expect(r.batch).toBe(5);
      expect(r.good.byteLength).toBe(2 * PAIR_BYTES);
      const ids = [0, 1].map((i) => Buffer.from(r.good.subarray(i * PAIR_BYTES, i * PAIR_BYTES + 32)).toString('hex'));
      expect(ids).toEqual(genuine.map((b) => Buffer.from(readEnvelope(b).id).toString('hex')));
    });
  });
});
