import { mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { isKizunaError } from '../../shared/errors/kizuna-error.js';
import type { SlimNodeHandle, SlimNodeLaunchOptions } from '../core/slim-node/slim-node-launcher.js';
import { launchSlimNode } from '../core/slim-node/slim-node-launcher.js';
import { createLogger } from '../core/log/logger.js';
import { isAlive } from '../core/kernel/process-alive.js';

const log = createLogger('host.embedded-node');

/**
 * The embedded SLIM node: one per OS user, on a unix socket in a private (0700) runtime folder, so
 * two app instances on one machine share it and can chat with no setup. Whoever holds the lock
 * file runs the node; the others just connect. When the owner quits, the next instance to notice
 * (its connection drops) takes over. Windows, without unix sockets for gRPC, uses 127.0.0.1:46357.
 */
export interface EmbeddedNodeOptions {
  /** Folder for the socket and the lock (default: $XDG_RUNTIME_DIR/kizuna or <tmp>/kizuna-<user>). */
  runtimeDir?: string;
  /** How to start the node process (the Electron shell passes one based on utilityProcess). */
  launch?: (options: SlimNodeLaunchOptions) => Promise<SlimNodeHandle>;
}

function defaultRuntimeDir(): string {
  const xdg = process.env['XDG_RUNTIME_DIR'];
  return xdg !== undefined && xdg.length > 0 ? join(xdg, 'kizuna') : join(tmpdir(), `kizuna-${userInfo().username}`);
}

export class EmbeddedNode {
  readonly endpoint: string;
  private readonly dir: string;
  private readonly lockPath: string;
  private handle: SlimNodeHandle | undefined;
  private starting: Promise<void> | undefined;

  constructor(private readonly options: EmbeddedNodeOptions = {}) {
    this.dir = options.runtimeDir ?? defaultRuntimeDir();
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    this.lockPath = join(this.dir, 'node.lock');
    this.endpoint = process.platform === 'win32' ? '127.0.0.1:46357' : `unix://${join(this.dir, 'slim.sock')}`;
  }

  /** Whether this process runs the node (rather than sharing another instance's). */
  get owner(): boolean {
    return this.handle !== undefined;
  }

  /** Makes sure some instance runs the node: takes the lock and starts it when nobody does. */
  ensure(): Promise<void> {
    this.starting ??= this.tryStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private takeLock(): boolean {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.lockPath, String(process.pid), { flag: 'wx', mode: 0o600 });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readFileSync(this.lockPath, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) return false;
        if (pid === process.pid && this.handle !== undefined) return false;
        rmSync(this.lockPath, { force: true }); // a stale lock from an instance that is gone
      }
    }
    return false;
  }

  private async tryStart(): Promise<void> {
    if (this.handle !== undefined || !this.takeLock()) return;
    try {
      const launch = this.options.launch ?? launchSlimNode;
      this.handle = await launch({ endpoint: this.endpoint });
      log.info('embedded node started', { endpoint: this.endpoint, pid: this.handle.pid });
      void this.handle.exited.then(() => {
        this.handle = undefined;
        this.releaseLock();
      });
    } catch (err) {
      this.releaseLock();
      if (!isKizunaError(err, 'NODE_ADDRESS_IN_USE')) throw err;
    }
  }

  private releaseLock(): void {
    try {
      if (readFileSync(this.lockPath, 'utf8').trim() === String(process.pid)) rmSync(this.lockPath, { force: true });
    } catch {
      // already gone
    }
  }

  async stop(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h !== undefined) await h.stop();
    this.releaseLock();
  }
}
