/**
 * Starts the embedded SLIM node as an Electron utility process. In the packaged app the RunAsNode
 * fuse is off, so child_process.fork (which runs the Electron binary as Node) cannot start it; a
 * utility process is Electron's way to run a Node child. The core worker asks for it through
 * core-worker.ts's `launchNode`; handles live here on the main thread.
 *
 * The node runs slim-node-process.js without an IPC channel: it reads --endpoint, prints a ready line,
 * and stops on SIGTERM. Electron ends utility processes when the app exits.
 */
import { join } from 'node:path';
import { utilityProcess } from 'electron';
import { KizunaError } from '../../shared/errors/kizuna-error.js';
import { createLogger } from '../core/log/logger.js';
import type { SlimNodeExit, SlimNodeHandle, SlimNodeLaunchOptions } from '../core/slim-node/slim-node-launcher.js';
import { RecentLines, readyEndpoint, startFailure } from './slim-node-output.js';

const log = createLogger('shell.slim-node');

/**
 * The node's entry script. Packaged, it runs from app.asar.unpacked: the SLIM bindings find their
 * native library next to their own JavaScript, which the OS loader can only open outside the archive
 * (build/electron-builder.config.cjs unpacks this folder, the bindings and what they import).
 */
export function slimNodeEntry(app: { isPackaged: boolean; getAppPath(): string }, resourcesPath: string): string {
  const base = app.isPackaged ? join(resourcesPath, 'app.asar.unpacked') : app.getAppPath();
  return join(base, 'dist', 'main', 'core', 'slim-node', 'slim-node-process.js');
}

export function utilityProcessNodeLauncher(entry: string): (options: SlimNodeLaunchOptions) => Promise<SlimNodeHandle> {
  return (options) =>
    new Promise<SlimNodeHandle>((resolve, reject) => {
      if (options.auth !== undefined) {
        // Credentials would have to travel in the environment; the embedded node needs none.
        reject(new KizunaError('NODE_START_FAILED', 'The app does not start SLIM nodes that require credentials.'));
        return;
      }
      const child = utilityProcess.fork(entry, ['--endpoint', options.endpoint], {
        serviceName: 'Kizuna SLIM node',
        stdio: 'pipe',
        env: { ...process.env, RUST_LOG: options.rustLog ?? 'warn', NO_COLOR: '1' },
      });
      const output = new RecentLines();
      let ready = false;
      let pid = -1;
      child.once('spawn', () => {
        pid = child.pid ?? -1;
      });
      const exited = new Promise<SlimNodeExit>((done) => child.once('exit', (code) => done({ code, signal: null })));
      const timer = setTimeout(() => {
        if (ready) return;
        child.kill();
        reject(new KizunaError('TIMEOUT', 'The SLIM node did not start in time.', { endpoint: options.endpoint, output: output.all().slice(-10) }));
      }, options.startTimeoutMs ?? 15_000);

      let stopping: Promise<void> | undefined;
      const handle = (): SlimNodeHandle => ({
        endpoint: options.endpoint,
        pid,
        version: 'unreported',
        exited,
        stop() {
          stopping ??= (async () => {
            if (child.pid === undefined) return;
            child.kill();
            const force = setTimeout(() => {
              if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
            }, options.stopGraceMs ?? 3_000);
            await exited;
            clearTimeout(force);
          })();
          return stopping;
        },
        kill(signal = 'SIGKILL') {
          if (child.pid !== undefined) process.kill(child.pid, signal);
        },
        recentOutput: () => output.all(),
      });

      child.stdout?.on('data', (chunk: Buffer) => {
        for (const line of output.push(chunk.toString('utf8'))) {
          if (!ready && readyEndpoint(line) === options.endpoint) {
            ready = true;
            clearTimeout(timer);
            log.info('slim node started (utility process)', { endpoint: options.endpoint, pid });
            resolve(handle());
          }
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => void output.push(chunk.toString('utf8')));
      void exited.then(({ code }) => {
        if (ready) return;
        clearTimeout(timer);
        reject(startFailure(code, output.all(), options.endpoint));
      });
    });
}
