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
import { MessageNotices } from './message-notices.js';
import { NotificationThrottle, invitationNotification, messageNotification, unreadTotal, type NotificationContext, type NotificationContent } from './notification-policy.js';

type GroupFacts = Pick<GroupView, 'name' | 'muted' | 'myState'>;

/** A notification to show, with the key the shell files it under (so it can be withdrawn). */
export type KeyedNotification = NotificationContent & { key: string };

/**
 * What the shell should do after a change: close notifications (by key) first, then show one, and
 * set the badge (only when it changed).
 */
export interface AttentionEffects {
  withdraw?: string[];
  notify?: KeyedNotification;
  badge?: number;
}

export class AttentionState {
  private readonly groups = new Map<string, GroupFacts>();
  private readonly throttle = new NotificationThrottle();
  private readonly notices = new MessageNotices();
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
        const content = messageNotification(e.payload, this.context());
        if (content === null) return {};
        if (!this.throttle.allow(e.payload.groupId, now)) {
          this.notices.quiet(e.payload);
          return {};
        }
        this.notices.shown(e.payload);
        return { notify: { ...content, key: e.payload.id } };
      }
      case 'messages-retracted':
        return this.retracted(e.payload.groupId, e.payload.messageIds);
      case 'invitation': {
        const content = invitationNotification(e.payload, { enabled: this.enabled });
        return content === null ? {} : { notify: { ...content, key: `invitation:${e.payload.groupId}` } };
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

  /** The user closed or clicked the notification filed under `key`. */
  dismissed(key: string): void {
    this.notices.dismissed(key);
  }

  /**
   * The group let messages go (a removal's signed cutoff): a notification showing one of them is
   * withdrawn. What it also stood for (messages the throttle kept quiet) and is still held gets a
   * notification of its own, the newest that still calls for one; with none, the chat's throttle is
   * reset, as no notification of it is left on screen. The badge follows the core's `unread` event.
   */
  private retracted(groupId: string, messageIds: readonly string[]): AttentionEffects {
    const { withdraw, left } = this.notices.retracted(groupId, messageIds);
    if (withdraw === undefined) return {};
    const context = this.context();
    for (const m of left) {
      const content = messageNotification(m, context);
      if (content === null) continue;
      // It takes the withdrawn one's place: the chat's throttle window goes on as it was.
      this.notices.shown(m);
      return { withdraw: [withdraw], notify: { ...content, key: m.id } };
    }
    this.throttle.forget(groupId);
    return { withdraw: [withdraw] };
  }

  private context(): NotificationContext {
    return { enabled: this.enabled, windowFocused: this.windowFocused(), activeGroupId: this.openChat, groups: this.groups };
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
