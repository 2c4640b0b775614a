import { storageProblemOf, toStorageError, type StorageProblem } from '../../../shared/errors/storage-errors.js';

/**
 * Whether the store can write right now. A full disk, a read-only remount or a lock held by another
 * program does not stop the engine: reads go on, the failed write is reported (nothing that was not
 * stored is acknowledged), and the next write that lands sets the state back to ok.
 */
export type StorageHealth = { readonly state: 'ok' } | { readonly state: StorageProblem; readonly since: number; readonly message: string };

export class StorageHealthMonitor {
  private health: StorageHealth = { state: 'ok' };
  private readonly listeners = new Set<(h: StorageHealth) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  get current(): StorageHealth {
    return this.health;
  }

  onChange(listener: (h: StorageHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  noteWriteOk(): void {
    if (this.health.state !== 'ok') this.set({ state: 'ok' });
  }

  /** Records a failed write; returns the error to throw (typed when it is a storage problem). */
  noteFailure(err: unknown): unknown {
    const problem = storageProblemOf(err);
    if (problem === undefined) return err;
    const typed = toStorageError(err, 'store');
    if (this.health.state !== problem) this.set({ state: problem, since: this.now(), message: (typed as Error).message });
    return typed;
  }

  private set(h: StorageHealth): void {
    this.health = h;
    for (const l of this.listeners) l(h);
  }
}
