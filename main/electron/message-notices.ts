/**
 * Which message each chat's desktop notification shows, and the messages the per-chat throttle kept
 * quiet since (they are what the notification stands for too). Pure bookkeeping, no Electron:
 * attention-state.ts decides with it what to withdraw when the core retracts messages
 * (`messages-retracted`, a removal's signed cutoff), so no notification keeps showing a message the
 * group let go, and one the throttle kept quiet is not lost with it.
 */
import type { MessageView } from '../../shared/domain/views.js';

/** Quiet messages remembered per chat: enough to find one left after a retraction, bounded under a history sync. */
const QUIET_MAX = 32;

interface Notice {
  /** The message the notification shows (its id is the notification's key). */
  shown: string;
  /** Messages of the chat the throttle kept quiet since, oldest first. */
  quiet: MessageView[];
}

/** What a retraction changes for one chat's notification. */
export interface NoticeRetraction {
  /** The key of the notification to close (its message is gone). */
  withdraw?: string;
  /** Messages still held that the closed notification stood for, newest first (a replacement may show one). */
  left: MessageView[];
}

export class MessageNotices {
  private readonly byGroup = new Map<string, Notice>();

  /** A notification for `message` was shown: it replaces what the chat's notification stood for. */
  shown(message: MessageView): void {
    this.byGroup.set(message.groupId, { shown: message.id, quiet: [] });
  }

  /** The throttle kept `message` quiet: the chat's notification stands for it too. */
  quiet(message: MessageView): void {
    const notice = this.byGroup.get(message.groupId);
    if (notice === undefined) return;
    notice.quiet.push(message);
    if (notice.quiet.length > QUIET_MAX) notice.quiet.shift();
  }

  /** The user closed or clicked the notification keyed `key`: it stands for nothing any more. */
  dismissed(key: string): void {
    for (const [groupId, notice] of this.byGroup) if (notice.shown === key) this.byGroup.delete(groupId);
  }

  /** Messages of `groupId` were retracted: forget them, and say whether the notification must go. */
  retracted(groupId: string, messageIds: readonly string[]): NoticeRetraction {
    const notice = this.byGroup.get(groupId);
    if (notice === undefined) return { left: [] };
    const gone = new Set(messageIds);
    notice.quiet = notice.quiet.filter((m) => !gone.has(m.id));
    if (!gone.has(notice.shown)) return { left: [] };
    this.byGroup.delete(groupId);
    return { withdraw: notice.shown, left: notice.quiet.slice().reverse() };
  }
}
