/**
 * FakeNotifier: the shell's Notifier (main/electron/notifier.ts) without a desktop. It keeps what is
 * on screen, in the order shown, so a test asserts what the user would see; a test plays the user
 * closing or clicking one with `userCloses`.
 */
import type { NotificationContent } from '../../main/electron/notification-policy.js';
import type { Notifier, OnScreenNotification } from '../../main/electron/notifier.js';

export interface FakeNotification {
  content: NotificationContent;
  /** Closed by the shell (through its handle) or by the user. */
  closedBy: 'shell' | 'user' | null;
}

export class FakeNotifier implements Notifier {
  /** Every notification ever shown, oldest first. */
  readonly shown: FakeNotification[] = [];
  private readonly goneCallbacks = new Map<FakeNotification, () => void>();

  show(content: NotificationContent, gone: () => void): OnScreenNotification {
    const n: FakeNotification = { content, closedBy: null };
    this.shown.push(n);
    this.goneCallbacks.set(n, gone);
    return {
      close: () => {
        if (n.closedBy === null) n.closedBy = 'shell';
      },
    };
  }

  /** On screen now, oldest first. */
  onScreen(): NotificationContent[] {
    return this.shown.filter((n) => n.closedBy === null).map((n) => n.content);
  }

  /** The bodies on screen now for `groupId`'s messages (kind 'group'), or its invitation (kind 'invitation'), oldest first. */
  bodies(groupId: string, kind: 'group' | 'invitation' = 'group'): string[] {
    return this.onScreen()
      .filter((c) => c.open.kind === kind && c.open.groupId === groupId)
      .map((c) => c.body);
  }

  /** Notifications the shell took back (closed through their handles), in the order shown. */
  withdrawn(): NotificationContent[] {
    return this.shown.filter((n) => n.closedBy === 'shell').map((n) => n.content);
  }

  /** The user closes (or clicks) the first notification on screen whose body contains `text`. */
  userCloses(text: string): void {
    const n = this.shown.find((s) => s.closedBy === null && s.content.body.includes(text));
    if (n === undefined) throw new Error(`FakeNotifier: nothing on screen shows "${text}"`);
    n.closedBy = 'user';
    this.goneCallbacks.get(n)?.();
  }
}
