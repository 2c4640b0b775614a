import type { GroupChangeView } from '../../../shared/domain/group-change';
import type { MessageView } from '../../../shared/domain/views';

/**
 * Which change lines sit above and below message `i` of the loaded window: each change goes after the
 * last message sent before it. Lines older than the window show only when nothing older exists, and
 * lines newer than it only when nothing newer exists, so paging never shows a line twice or out of place.
 */
export function changesAround(
  items: readonly MessageView[],
  i: number,
  changes: readonly GroupChangeView[],
  o: { hasOlder: boolean; hasNewer: boolean },
): { above: GroupChangeView[]; below: GroupChangeView[] } {
  const m = items[i] as MessageView;
  const next = items[i + 1];
  const above = i === 0 && !o.hasOlder ? changes.filter((c) => c.at < m.sentAt) : [];
  const below = changes.filter((c) => c.at >= m.sentAt && (next === undefined ? !o.hasNewer : c.at < next.sentAt));
  return { above, below };
}
