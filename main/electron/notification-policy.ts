/**
 * When the shell shows a desktop notification and what the unread count is at start. Plain functions
 * over the contract's views (no Electron import at run time), unit-tested; attention-state.ts applies them.
 */
import type { GroupView, InvitationView, MessageView } from '../../shared/domain/views.js';

export interface NotificationContext {
  /** settings.notifications */
  enabled: boolean;
  /** The app window is visible and focused. */
  windowFocused: boolean;
  /** The chat the UI shows (it says so with ui.setOpenChat), if any. */
  activeGroupId: string | null;
  /** What the shell knows of each group (from groups.list and group events). */
  groups: ReadonlyMap<string, Pick<GroupView, 'name' | 'muted' | 'myState'>>;
}

export interface NotificationContent {
  title: string;
  body: string;
  /** What a click opens. */
  open: { kind: 'group' | 'invitation'; groupId: string };
}

const BODY_MAX = 140;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= BODY_MAX ? flat : `${flat.slice(0, BODY_MAX - 1)}…`;
}

/** A notification for a stored message, or null: own messages, muted or unknown groups, the chat in view, or notifications off. */
export function messageNotification(message: MessageView, ctx: NotificationContext): NotificationContent | null {
  if (!ctx.enabled || message.isMine || message.sendState !== 'received') return null;
  const group = ctx.groups.get(message.groupId);
  if (group === undefined || group.muted || group.myState !== 'joined') return null;
  if (ctx.windowFocused && ctx.activeGroupId === message.groupId) return null;
  const what = message.kind === 'text' ? message.text : message.file !== null ? `📎 ${message.file.name}${message.text === '' ? '' : ` — ${message.text}`}` : message.text;
  return { title: group.name, body: clip(`${message.senderName}: ${what}`), open: { kind: 'group', groupId: message.groupId } };
}

/** A notification for a new invitation (only while it is pending), or null. */
export function invitationNotification(invitation: InvitationView & { state: string }, ctx: Pick<NotificationContext, 'enabled'>): NotificationContent | null {
  if (!ctx.enabled || invitation.state !== 'pending') return null;
  return {
    title: `Invitation to ${clip(invitation.groupName)}`,
    body: clip(`${invitation.inviterName} invited you (${invitation.memberCount} members).`),
    open: { kind: 'invitation', groupId: invitation.groupId },
  };
}

/** Unread messages across the groups one is in and has not muted: the dock/tray badge until the core's first `unread` event. */
export function unreadTotal(groups: readonly Pick<GroupView, 'unreadCount' | 'muted' | 'myState'>[]): number {
  let total = 0;
  for (const g of groups) if (!g.muted && g.myState === 'joined') total += g.unreadCount;
  return total;
}

/** At most one notification per chat per window of `intervalMs` (history sync can bring hundreds at once). */
export class NotificationThrottle {
  private readonly last = new Map<string, number>();
  constructor(private readonly intervalMs = 10_000) {}

  allow(key: string, now: number): boolean {
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < this.intervalMs) return false;
    this.last.set(key, now);
    return true;
  }

  /** The chat's notification was withdrawn: its next message may notify at once. */
  forget(key: string): void {
    this.last.delete(key);
  }
}
