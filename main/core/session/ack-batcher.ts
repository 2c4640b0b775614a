import { toBase64Url } from '../encoding/base64url.js';

/**
 * Collects acknowledgements for a short moment and sends them in batches: one signed ACK per
 * (recipient, group) instead of one per envelope, which is what keeps acking cheap at thousands of
 * messages a second.
 */
export interface AckTarget {
  slimName: string;
  groupId: Uint8Array;
  recipient: Uint8Array;
}

export class AckBatcher {
  private readonly pending = new Map<string, { target: AckTarget; ids: Uint8Array[] }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly flushAfterMs: number,
    private readonly maxBatch: number,
    private readonly send: (target: AckTarget, ids: Uint8Array[]) => void,
  ) {}

  add(target: AckTarget, envelopeId: Uint8Array): void {
    const key = `${target.slimName}|${toBase64Url(target.groupId)}|${toBase64Url(target.recipient)}`;
    let entry = this.pending.get(key);
    if (entry === undefined) {
      entry = { target, ids: [] };
      this.pending.set(key, entry);
    }
    entry.ids.push(envelopeId);
    if (entry.ids.length >= this.maxBatch) {
      this.pending.delete(key);
      this.send(entry.target, entry.ids);
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.flushAfterMs);
    }
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const e of entries) this.send(e.target, e.ids);
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
