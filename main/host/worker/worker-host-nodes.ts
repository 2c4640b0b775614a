import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import type { SlimNodeHandle, SlimNodeLaunchOptions } from '../../core/slim-node/slim-node-launcher.js';
import type { HostToWorker } from './core-worker-protocol.js';

/**
 * Embedded SLIM nodes this thread starts for the worker (Electron: utility processes, which only the
 * main process can start). Their handles stay here; the worker drives them by messages, and whatever
 * still runs when the worker ends is stopped.
 */
export class WorkerHostNodes {
  private readonly handles = new Map<number, SlimNodeHandle>();
  /** The worker is gone: a node that finishes starting now is stopped at once. */
  private gone = false;

  constructor(
    private readonly post: (message: HostToWorker) => void,
    private readonly launcher: ((options: SlimNodeLaunchOptions) => Promise<SlimNodeHandle>) | undefined,
  ) {}

  /** Starts a node for the worker's request `id` and tells it the outcome (and, later, the exit). */
  async launch(id: number, options: SlimNodeLaunchOptions): Promise<void> {
    if (this.launcher === undefined) {
      this.post({ type: 'node-launched', id, error: new KizunaError('NODE_START_FAILED', 'This host does not start SLIM nodes.').toJSON() });
      return;
    }
    try {
      const handle = await this.launcher(options);
      if (this.gone) {
        await handle.stop();
        return;
      }
      this.handles.set(id, handle);
      this.post({ type: 'node-launched', id, node: { pid: handle.pid, version: handle.version } });
      void handle.exited.then((exit) => {
        this.handles.delete(id);
        if (!this.gone) this.post({ type: 'node-exited', id, exit: { code: exit.code, signal: exit.signal }, output: handle.recentOutput().slice(-20) });
      });
    } catch (err) {
      if (!this.gone) this.post({ type: 'node-launched', id, error: toKizunaError(err).toJSON() });
    }
  }

  stop(id: number): void {
    void this.handles.get(id)?.stop();
  }

  kill(id: number, signal: string): void {
    this.handles.get(id)?.kill(signal as NodeJS.Signals);
  }

  /** The worker ended: nodes it started outlive it only until here. */
  async stopAll(): Promise<void> {
    this.gone = true;
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map((h) => h.stop().catch(() => undefined)));
  }
}
