/**
 * Rows the engine reads for every received envelope (its group, the sender's membership and name,
 * issue 13) kept in memory between writes. Safe because one store is the only writer of its
 * database (the profile lock): the table's writer drops an entry whenever it writes that row, and
 * the store empties every cache when a transaction rolls back. Rows are frozen: callers share them.
 */
export class RowCache<T extends object> {
  private readonly rows = new Map<string, T>();

  constructor(private readonly limit = 10_000) {}

  /** The cached row, else `load()`'s (cached when there is one: an absent row is read again next time). */
  get(key: string, load: () => T | undefined): T | undefined {
    const hit = this.rows.get(key);
    if (hit !== undefined) return hit;
    const row = load();
    if (row === undefined) return undefined;
    // Bounded: a sender making us look up many rows costs reads, never memory.
    if (this.rows.size >= this.limit) this.rows.clear();
    this.rows.set(key, Object.freeze(row));
    return row;
  }

  /**
   * Replaces a cached row with `update(row)` (frozen; callers holding the old one keep it). For a
   * writer that knows what its write made of the row: the next read needs no query. Nothing if not cached.
   */
  patch(key: string, update: (row: T) => T): void {
    const hit = this.rows.get(key);
    if (hit !== undefined) this.rows.set(key, Object.freeze(update(hit)));
  }

  delete(key: string): void {
    this.rows.delete(key);
  }

  clear(): void {
    this.rows.clear();
  }
}

/** Ids as one map key, without copying their bytes. */
export function idsKey(a: Uint8Array, b?: Uint8Array): string {
  const first = Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  return b === undefined ? first : `${first}:${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;
}
