/**
 * What the shell knows to decide on notifications and the badge, and what each core event makes it
 * do. Pure (no Electron at run time): attention.ts shows what this decides.
 *
 * Nothing here is guessed from the UI's requests: the renderer says which chat it shows
 * (`ui.setOpenChat`), the core says how many messages are unread (`unread`) and how each group
 * stands (`group`), and the groups are listed once, at start.
 */
import type { GroupView } from '../../shared/domain/views.js';
import type { PushedEvent, Settings } from '../../shared/ipc/ipc-contract.js';
import { NotificationThrottle, invitationNotification, messageNotification, unreadTotal, type NotificationContent } from './notification-policy.js';

type GroupFacts = Pick<GroupView, 'name' | 'muted' | 'myState'>;

/** What the shell should do after a change: show a notification, set the badge (only when it changed). */
export interface AttentionEffects {
  notify?: NotificationContent;
  badge?: number;
}

export class AttentionState {
  private readonly groups = new Map<string, GroupFacts>();
  private readonly throttle = new NotificationThrottle();
  private enabled = true;
  private openChat: string | null = null;
  private badge: number | null = null;

  /** `windowFocused`: the app window is visible and has focus (then the open chat needs no notification). */
  constructor(private readonly windowFocused: () => boolean) {}

  /** What the shell read once at start (either may be missing when the core refused). */
  started(settings: Settings | null, groups: readonly GroupView[] | null): AttentionEffects {
    if (settings !== null) this.enabled = settings.notifications;
    if (groups === null) return {};
    for (const g of groups) this.groups.set(g.groupId, facts(g));
    return this.setBadge(unreadTotal(groups));
  }

  settingsChanged(settings: Settings): void {
    this.enabled = settings.notifications;
  }

  setOpenChat(groupId: string | null): void {
    this.openChat = groupId;
  }

  onEvent(e: PushedEvent, now: number): AttentionEffects {
    switch (e.event) {
      case 'message': {
        const context = { enabled: this.enabled, windowFocused: this.windowFocused(), activeGroupId: this.openChat, groups: this.groups };
        const content = messageNotification(e.payload, context);
        return content !== null && this.throttle.allow(e.payload.groupId, now) ? { notify: content } : {};
      }
      case 'invitation': {
        const content = invitationNotification(e.payload, { enabled: this.enabled });
        return content === null ? {} : { notify: content };
      }
      case 'group':
        this.groups.set(e.payload.groupId, facts(e.payload));
        return {};
      case 'unread':
        return this.setBadge(e.payload.total);
      default:
        return {};
    }
  }

  private setBadge(total: number): AttentionEffects {
    if (total === this.badge) return {};
    this.badge = total;
    return { badge: total };
  }
}

function facts(g: GroupView): GroupFacts {
  return { name: g.name, muted: g.muted, myState: g.myState };
}
