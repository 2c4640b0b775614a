import type { CoreEventPayloads } from '../../../shared/domain/core-events.js';
import type { GroupActivityView, GroupView } from '../../../shared/domain/views.js';
import { fromBase64Url, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';

type UnreadTally = CoreEventPayloads['unread'];

/**
 * The unread tally the hosts show (badge, tray, chat list): per group we are in, its unread count,
 * and the total over the groups that are not muted. Every change to a count, a mute or our state in a
 * group reaches the host as a group view (mute, leave, accept, delete) or a group's activity (a message
 * stored or read), so the tally follows the engine's own events and is told only when it changed.
 */
export class UnreadCounts {
  private readonly counts = new Map<string, { unread: number; muted: boolean }>();
  private last: UnreadTally;

  constructor(private readonly ctx: EngineContext) {
    for (const g of ctx.store.read.groups.list()) {
      if (g.myState === 'joined' && g.unreadCount > 0) this.counts.set(toBase64Url(g.groupId), { unread: g.unreadCount, muted: g.muted === 1 });
    }
    this.last = this.current();
  }

  current(): UnreadTally {
    const groups: Record<string, number> = {};
    let total = 0;
    for (const [id, c] of this.counts) {
      groups[id] = c.unread;
      if (!c.muted) total += c.unread;
    }
    return { total, groups };
  }

  /** A message stored or read moved a group's unread count: our state in it and its mute are as the store has them. */
  noteActivity(activity: GroupActivityView): void {
    const groupId = fromBase64Url(activity.groupId);
    const row = groupId === undefined ? undefined : this.ctx.store.read.groups.get(groupId);
    if (row === undefined) return;
    this.note({ groupId: activity.groupId, myState: row.myState, unreadCount: activity.unreadCount, muted: row.muted === 1 });
  }

  /** A group's view went out: update its entry, and tell the host if the tally changed. */
  note(view: Pick<GroupView, 'groupId' | 'myState' | 'unreadCount' | 'muted'>): void {
    const before = this.counts.get(view.groupId);
    if (view.myState === 'joined' && view.unreadCount > 0) {
      if (before?.unread === view.unreadCount && before.muted === view.muted) return;
      this.counts.set(view.groupId, { unread: view.unreadCount, muted: view.muted });
    } else {
      if (before === undefined) return;
      this.counts.delete(view.groupId);
    }
    const next = this.current();
    if (next.total === this.last.total && sameGroups(next.groups, this.last.groups)) return;
    this.last = next;
    this.ctx.events.emit('unread', next);
  }
}

function sameGroups(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
