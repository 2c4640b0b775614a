/**
 * The desktop notifications on screen, and what each stands for, so the shell can take back the ones
 * that stopped being true: a chat read, muted or left, an invitation answered, a message read or
 * retracted. It keeps
 * the screen bounded too (CHAT_NOTICES_MAX per chat, INVITATION_NOTICES_MAX invitations): a history
 * sync or an invitation storm must not bury the desktop. No Electron: it drives a Notifier
 * (notifier.ts); attention-state.ts decides what to show and when to take it back.
 */
import type { MessageView } from '../../shared/domain/views.js';
import type { NotificationContent } from './notification-policy.js';
import type { Notifier, OnScreenNotification } from './notifier.js';

/** Message notifications one chat keeps on screen: a newer one closes the chat's oldest. */
export const CHAT_NOTICES_MAX = 3;
/** Invitation notifications on screen at once: a newer one closes the oldest. */
export const INVITATION_NOTICES_MAX = 5;
/** Quiet messages remembered per notification: enough to find one left after a retraction, bounded under a history sync. */
const QUIET_MAX = 32;

interface ChatNotice {
  /** The message the notification shows. */
  messageId: string;
  screen: OnScreenNotification;
  /** Messages of the chat the throttle kept quiet after it, oldest first: the notification stands for them too. */
  quiet: MessageView[];
}

/** What withdrawing messages (retracted, or read) did to one chat's notifications. */
export interface BoardWithdrawal {
  /** How many notifications it closed (each showed one of the messages). */
  closed: number;
  /** Messages still news that a closed notification stood for, newest first (a replacement may show one). */
  left: MessageView[];
}

export class NoticeBoard {
  /** Per chat, its notifications on screen, oldest first. */
  private readonly chats = new Map<string, ChatNotice[]>();
  /** Invitation notifications by group, oldest first (a Map keeps insertion order). */
  private readonly invitations = new Map<string, OnScreenNotification>();

  constructor(private readonly notifier: Notifier) {}

  /** Whether any notification of `groupId`'s messages is on screen. */
  hasChat(groupId: string): boolean {
    return (this.chats.get(groupId)?.length ?? 0) > 0;
  }

  /**
   * Shows `content` for `message`, closing the chat's oldest first when it already has the most it may
   * keep. `standsFor`: older messages it stands for too (those of a notification it replaces).
   */
  showMessage(message: MessageView, content: NotificationContent, standsFor: readonly MessageView[] = []): void {
    const list = this.chats.get(message.groupId) ?? [];
    this.chats.set(message.groupId, list);
    while (list.length >= CHAT_NOTICES_MAX) list.shift()?.screen.close();
    const notice: ChatNotice = {
      messageId: message.id,
      quiet: standsFor.slice(-QUIET_MAX),
      screen: this.notifier.show(content, () => this.dismissed(message.groupId, notice)),
    };
    list.push(notice);
  }

  /** The throttle kept `message` quiet: the chat's newest notification stands for it too (none: nothing does). */
  quiet(message: MessageView): void {
    const newest = this.chats.get(message.groupId)?.at(-1);
    if (newest === undefined) return;
    newest.quiet.push(message);
    if (newest.quiet.length > QUIET_MAX) newest.quiet.shift();
  }

  /** The chat was read, muted, left or lost: none of its notifications is news any more. */
  withdrawChat(groupId: string): void {
    const list = this.chats.get(groupId);
    if (list === undefined) return;
    this.chats.delete(groupId);
    for (const notice of list) notice.screen.close();
  }

  /** Messages of `groupId` are no news any more (retracted, or read): close every notification showing one, and forget them. */
  withdrawMessages(groupId: string, messageIds: readonly string[]): BoardWithdrawal {
    const list = this.chats.get(groupId);
    if (list === undefined) return { closed: 0, left: [] };
    const gone = new Set(messageIds);
    const kept: ChatNotice[] = [];
    const left: MessageView[] = [];
    for (const notice of list) {
      notice.quiet = notice.quiet.filter((m) => !gone.has(m.id));
      if (!gone.has(notice.messageId)) {
        kept.push(notice);
        continue;
      }
      notice.screen.close();
      left.push(...notice.quiet);
    }
    if (kept.length === 0) this.chats.delete(groupId);
    else this.chats.set(groupId, kept);
    return { closed: list.length - kept.length, left: left.reverse() };
  }

  /** Shows an invitation's notification (in place of an earlier one for the group), closing the oldest past the cap. */
  showInvitation(groupId: string, content: NotificationContent): void {
    this.withdrawInvitation(groupId);
    for (const [oldest, screen] of this.invitations) {
      if (this.invitations.size < INVITATION_NOTICES_MAX) break;
      this.invitations.delete(oldest);
      screen.close();
    }
    const screen = this.notifier.show(content, () => {
      if (this.invitations.get(groupId) === screen) this.invitations.delete(groupId);
    });
    this.invitations.set(groupId, screen);
  }

  /** The invitation was answered (here or elsewhere) or went stale: its notification asks nothing any more. */
  withdrawInvitation(groupId: string): void {
    const screen = this.invitations.get(groupId);
    if (screen === undefined) return;
    this.invitations.delete(groupId);
    screen.close();
  }

  /** The shell is going: nothing it showed stays behind. */
  closeAll(): void {
    for (const groupId of [...this.chats.keys()]) this.withdrawChat(groupId);
    for (const groupId of [...this.invitations.keys()]) this.withdrawInvitation(groupId);
  }

  /** The user clicked or closed `notice`: it stands for nothing any more. */
  private dismissed(groupId: string, notice: ChatNotice): void {
    const list = this.chats.get(groupId);
    const at = list?.indexOf(notice) ?? -1;
    if (list === undefined || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) this.chats.delete(groupId);
  }
}
