import type { MessageView } from '../../../shared/domain/views';

/** Consecutive messages from one sender within this time share one name label. */
export const RUN_MS = 5 * 60_000;

/**
 * How one message sits among its neighbours in the list: whether a day separator goes above it (a new
 * local day, or the very first message of the chat) and whether it continues the run of the message
 * above (same sender, shortly after, same day, and not where the "new messages" marker goes).
 */
export function placeInList(
  items: readonly MessageView[],
  i: number,
  o: { hasOlder: boolean; markerId: string | null; dayKey: (ms: number) => string },
): { newDay: boolean; continued: boolean } {
  const m = items[i] as MessageView;
  const prev = i > 0 ? items[i - 1] : undefined;
  const newDay = prev === undefined ? !o.hasOlder : o.dayKey(prev.sentAt) !== o.dayKey(m.sentAt);
  const continued = prev !== undefined && !newDay && prev.sender === m.sender && m.sentAt - prev.sentAt < RUN_MS && m.id !== o.markerId;
  return { newDay, continued };
}

/** Where the "new messages" marker goes: above the oldest of the last `unread` messages from others. */
export function markerFor(items: readonly MessageView[], unread: number): string | null {
  if (unread <= 0) return null;
  let seen = 0;
  let marker: string | null = null;
  for (let i = items.length - 1; i >= 0 && seen < unread; i--) {
    const m = items[i] as MessageView;
    if (!m.isMine) {
      seen++;
      marker = m.id;
    }
  }
  return marker;
}

/** The message Up/Down moves to from `activeId` (from below the list when none is active), or undefined. */
export function neighbour(items: readonly MessageView[], activeId: string | null, key: 'ArrowUp' | 'ArrowDown'): MessageView | undefined {
  const at = activeId === null ? -1 : items.findIndex((m) => m.id === activeId);
  const from = at >= 0 ? at : items.length;
  return items[key === 'ArrowUp' ? Math.max(0, from - 1) : Math.min(items.length - 1, from + 1)];
}
