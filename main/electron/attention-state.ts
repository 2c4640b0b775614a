/**
 * What the shell knows to decide on notifications and the badge, and what each core event makes it
 * do. Pure (no Electron at run time): it shows and withdraws notifications through a Notifier
 * (attention.ts passes Electron's), and returns the badge for attention.ts to set.
 *
 * Nothing here is guessed from the UI's requests: the renderer says which chat it shows
 * (`ui.setOpenChat`), the core says how many messages are unread (`unread`), how each group stands
 * (`group`: its unread count, whether we are still in it or muted it; `group-activity`: its unread
 * count after a message stored or read), how each invitation stands
 * (`invitation`), which messages the user read here (`messages-read`: a chat read in part) and which
 * the group let go (`messages-retracted`). A notification that one of these makes untrue is taken
 * back (notice-board.ts keeps what is on screen).
 */
import type { GroupView } from '../../shared/domain/views.js';
import type { PushedEvent, Settings } from '../../shared/ipc/ipc-contract.js';
import { NoticeBoard } from './notice-board.js';
import { NotificationThrottle, invitationNotification, messageNotification, unreadTotal, type NotificationContext } from './notification-policy.js';
import type { Notifier } from './notifier.js';

type GroupFacts = Pick<GroupView, 'name' | 'muted' | 'myState'>;

/** What the shell should do after a change besides notifications: set the badge (only when it changed). */
export interface AttentionEffects {
  badge?: number;
}

export class AttentionState {
  private readonly groups = new Map<string, GroupFacts>();
  private readonly throttle = new NotificationThrottle();
  private readonly board: NoticeBoard;
  private enabled = true;
  private openChat: string | null = null;
  private badge: number | null = null;

  /** `windowFocused`: the app window is visible and has focus (then the open chat needs no notification). */
  constructor(
    private readonly windowFocused: () => boolean,
    notifier: Notifier,
  ) {
    this.board = new NoticeBoard(notifier);
  }

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
        // The throttle folds a burst into the chat's notification on screen; with none left there, nothing to fold into.
        if (!this.throttle.allow(e.payload.groupId, now) && this.board.hasChat(e.payload.groupId)) this.board.quiet(e.payload);
        else this.board.showMessage(e.payload, content);
        return {};
      }
      case 'messages-retracted':
      case 'messages-read':
        this.noLongerNews(e.payload.groupId, e.payload.messageIds);
        return {};
      case 'invitation': {
        if (e.payload.state !== 'pending') {
          this.board.withdrawInvitation(e.payload.groupId);
          return {};
        }
        const content = invitationNotification(e.payload, { enabled: this.enabled });
        if (content !== null) this.board.showInvitation(e.payload.groupId, content);
        return {};
      }
      case 'group': {
        const g = e.payload;
        this.groups.set(g.groupId, facts(g));
        // Read (here or on another device), no longer ours, or muted (the user asked for quiet; what is on
        // screen would go on calling for attention): the chat's notifications go.
        if (g.unreadCount === 0 || g.myState !== 'joined' || g.muted) this.withdrawChat(g.groupId);
        return {};
      }
      case 'group-activity':
        // As for a group view: with nothing unread left, the chat's notifications go.
        if (e.payload.unreadCount === 0) this.withdrawChat(e.payload.groupId);
        return {};
      case 'unread':
        return this.setBadge(e.payload.total);
      default:
        return {};
    }
  }

  /** The shell is going: it leaves no notification behind. */
  closeAll(): void {
    this.board.closeAll();
  }

  private withdrawChat(groupId: string): void {
    this.board.withdrawChat(groupId);
    // Nothing of the chat is left on screen: its next message notifies at once.
    this.throttle.forget(groupId);
  }

  /**
   * Messages stopped being news: the group let them go (a removal's signed cutoff), or the user read
   * them (in part: the chat's other unread messages still are). Every notification showing one of them
   * is withdrawn. What those also stood for (messages the throttle kept quiet) and is still news gets
   * one notification in their place, the newest that still calls for one (none while the chat is open
   * in the focused window); the badge follows the core's `unread` event.
   */
  private noLongerNews(groupId: string, messageIds: readonly string[]): void {
    const { closed, left } = this.board.withdrawMessages(groupId, messageIds);
    if (closed === 0) return;
    const context = this.context();
    for (const [i, m] of left.entries()) {
      const content = messageNotification(m, context);
      if (content === null) continue;
      // It takes a withdrawn one's place (standing for the older ones left too): the throttle window goes on.
      this.board.showMessage(m, content, left.slice(i + 1).reverse());
      return;
    }
    if (!this.board.hasChat(groupId)) this.throttle.forget(groupId);
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
