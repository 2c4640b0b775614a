import type { MessageView } from '../../../shared/domain/views';

/**
 * Messages are ordered like the core's index: (sentAt, id), where ids compare as bytes. Comparing
 * base64url digits by their alphabet position is the same as comparing the bytes they encode, so
 * the UI can insert a live message exactly where the core would page it, without decoding.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const RANK = new Map([...ALPHABET].map((c, i) => [c, i]));

export function compareIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (RANK.get(a[i] as string) ?? 0) - (RANK.get(b[i] as string) ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function compareMessages(a: Pick<MessageView, 'sentAt' | 'id'>, b: Pick<MessageView, 'sentAt' | 'id'>): number {
  return a.sentAt - b.sentAt || compareIds(a.id, b.id);
}

/** Index at which `m` belongs in `items` (sorted), by binary search. */
export function insertionIndex(items: readonly MessageView[], m: Pick<MessageView, 'sentAt' | 'id'>): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareMessages(items[mid] as MessageView, m) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
