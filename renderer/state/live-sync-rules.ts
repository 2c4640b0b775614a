import type { GroupActivityView, GroupView, MessageView } from '../../shared/domain/views';
import type { DeepLink, EventPayloads } from '../../shared/ipc/ipc-contract';
import { activityFields, furtherProgress, withOnline, type AppAction, type FileProgress } from './app-state';

/** How long a typing indicator lasts without a refresh; senders repeat it every few seconds. */
export const TYPING_TTL_MS = 6_000;

/**
 * What the core's events do to the app store, as pure rules (live-sync.ts subscribes and schedules).
 *
 * Group and file events can arrive thousands a second while syncing, so they are collected here and
 * taken as one batch per flush: the newest view of each group wins (a group's activity after its view
 * is applied to that view), and file progress only moves forward. Our own sends need nothing here: the
 * core sends their group's activity like any other.
 */
export class LiveSyncBatch {
  private readonly groups = new Map<string, GroupView>();
  /** Activity of groups with no view in this batch (applied to the store's view of them). */
  private readonly activity = new Map<string, GroupActivityView>();
  /** Online marks of groups with no view in this batch: per group, per member, the last one. */
  private readonly online = new Map<string, Record<string, boolean>>();
  private readonly files = new Map<string, FileProgress>();

  get isEmpty(): boolean {
    return this.groups.size === 0 && this.activity.size === 0 && this.online.size === 0 && this.files.size === 0;
  }

  group(g: GroupView): void {
    this.groups.set(g.groupId, g);
    // The view holds everything an earlier activity or online mark said, as it is now.
    this.activity.delete(g.groupId);
    this.online.delete(g.groupId);
  }

  presence(p: EventPayloads['presence']): void {
    const viewed = this.groups.get(p.groupId);
    if (viewed !== undefined) {
      this.groups.set(p.groupId, withOnline(viewed, { [p.userId]: p.online }));
      return;
    }
    const marks = this.online.get(p.groupId) ?? (Object.create(null) as Record<string, boolean>);
    marks[p.userId] = p.online;
    this.online.set(p.groupId, marks);
  }

  groupActivity(a: GroupActivityView): void {
    const viewed = this.groups.get(a.groupId);
    if (viewed === undefined) this.activity.set(a.groupId, a);
    else this.groups.set(a.groupId, { ...viewed, ...activityFields(a) });
  }

  file(f: EventPayloads['file']): void {
    const next = { have: f.have, total: f.total, complete: f.complete };
    const held = this.files.get(f.hash);
    this.files.set(f.hash, held === undefined ? next : furtherProgress(held, next));
  }

  /** Everything collected since the last take, as actions for the store. */
  take(): AppAction[] {
    const actions: AppAction[] = [];
    if (this.groups.size > 0) actions.push({ type: 'groups-upserted', groups: [...this.groups.values()] });
    if (this.activity.size > 0) actions.push({ type: 'groups-active', activity: [...this.activity.values()] });
    if (this.online.size > 0) actions.push({ type: 'members-presence', online: Object.fromEntries(this.online) });
    if (this.files.size > 0) actions.push({ type: 'files-progressed', files: Object.fromEntries(this.files) });
    this.groups.clear();
    this.activity.clear();
    this.online.clear();
    this.files.clear();
    return actions;
  }
}

/** A received message ends its sender's typing indicator. */
export function typingEndedBy(m: MessageView): AppAction | null {
  return m.isMine ? null : { type: 'typing', groupId: m.groupId, userId: m.sender, until: null };
}

/** A typing event from someone else; the sender's clock is not ours, so the indicator lives TYPING_TTL_MS of local time. */
export function typingAction(ev: EventPayloads['typing'], selfId: string | undefined, now: number): AppAction | null {
  if (ev.userId === selfId) return null;
  return { type: 'typing', groupId: ev.groupId, userId: ev.userId, until: ev.typing ? now + TYPING_TTL_MS : null };
}

/** A pending invitation is listed; an answered or stale one leaves the list. */
export function invitationAction(inv: EventPayloads['invitation']): AppAction {
  if (inv.state !== 'pending') return { type: 'invitation-removed', groupId: inv.groupId };
  const { state: _state, ...view } = inv;
  return { type: 'invitation-upserted', invitation: view };
}

/**
 * A kizuna:// link or a clicked notification (desktop shell only). A contact link is never added
 * silently: it fills the "add contact" field and the user confirms.
 */
export function deepLinkAction(link: DeepLink): AppAction {
  if (link.kind === 'contact') return { type: 'contact-draft', card: link.card };
  if (link.kind === 'group') return { type: 'open-group', groupId: link.groupId };
  return { type: 'navigate', view: 'chats' };
}
