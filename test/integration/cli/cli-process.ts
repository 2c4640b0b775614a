import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';
import { pickFreeTcpPort } from '../../../main/core/slim-node/slim-node-launcher.js';
import { tempDir } from '../../helpers/test-engines.js';

/**
 * The built `kizuna` (dist/cli/kizuna.js, bundled by scripts/build-cli.ts): what tests spawn, so a
 * command starts in a fraction of what tsx needs and no longer times out on a loaded machine.
 * test/integration/cli/cli-global-setup.ts builds it once per run.
 */
export function cliPath(): string {
  return fileURLToPath(new URL('../../../dist/cli/kizuna.js', import.meta.url));
}

/** A spawned `kizuna`: its output lines as they come, a wait for a line, and its exit. */
export interface Running {
  child: ChildProcess;
  lines: string[];
  waitLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Spawns the built CLI; `stdin: true` keeps its input open for lines the test types (KIZUNA_READ_STDIN). */
export function kizuna(args: string[], env: Record<string, string> = {}, options: { stdin?: boolean } = {}): Running {
  const child = spawn(process.execPath, [cliPath(), ...args], {
    env: { ...process.env, KIZUNA_LOG_LEVEL: 'error', ...(options.stdin === true ? { KIZUNA_READ_STDIN: '1' } : {}), ...env },
    stdio: [options.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let buffer = '';
  const onData = (chunk: Buffer): void => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitLine: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit !== undefined) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no line matching ${pattern}; got:\n${lines.join('\n')}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
}

/** Runs the built CLI to its end. */
export async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const r = kizuna(args, env);
  const code = await r.exited;
  return { code, out: r.lines.join('\n') };
}

/** Stops what is still running: SIGTERM, then SIGKILL for anything that does not exit in 5 s. */
export async function stopAll(running: Running[]): Promise<void> {
  for (const r of running) {
    if (r.child.exitCode !== null) continue;
    r.child.kill('SIGTERM');
    await Promise.race([r.exited, new Promise((res) => setTimeout(res, 5000))]);
    if (r.child.exitCode === null) r.child.kill('SIGKILL');
  }
}

/**
 * Each test of the calling `describe` gets its own temporary folder and a list of processes stopped
 * after it; `startNode` runs `kizuna node` on a free local port and resolves with its endpoint once it listens.
 */
export function cliBedEachTest(): { dir: () => string; running: Running[]; startNode: () => Promise<string> } {
  let folder: ReturnType<typeof tempDir> | undefined;
  const running: Running[] = [];
  beforeEach(() => {
    folder = tempDir();
  });
  afterEach(async () => {
    await stopAll(running.splice(0));
    folder?.cleanup();
    folder = undefined;
  });
  const dir = (): string => {
    if (folder === undefined) throw new Error('cliBedEachTest: use it inside a test');
    return folder.path;
  };
  const startNode = async (): Promise<string> => {
    const endpoint = `127.0.0.1:${await pickFreeTcpPort()}`;
    const node = kizuna(['node', '--endpoint', endpoint]);
    running.push(node);
    await node.waitLine(/listening on/);
    return endpoint;
  };
  return { dir, running, startNode };
}
