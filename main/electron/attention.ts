/**
 * Desktop notifications (new messages, invitations) and the unread count (dock/launcher badge and
 * tray), driven by the core's events and the requests the UI makes. Decisions are in
 * notification-policy.ts; this file only talks to Electron.
 */
import { app, Notification, type BrowserWindow } from 'electron';
import type { GroupView, InvitationView, MessageView } from '../../shared/domain/views.js';
import type { DeepLink, IpcResult, Settings } from '../../shared/ipc/ipc-contract.js';
import type { CoreWorker } from '../host/worker/core-worker.js';
import { createLogger } from '../core/log/logger.js';
import {
  NotificationThrottle,
  activeGroupHint,
  invitationNotification,
  messageNotification,
  unreadTotal,
  type NotificationContent,
} from './notification-policy.js';

const log = createLogger('shell.attention');

export interface AttentionOptions {
  worker: CoreWorker;
  window: () => BrowserWindow | null;
  iconPath: string;
  /** A notification was clicked. */
  open: (link: DeepLink) => void;
  /** The unread total changed (the tray shows it). */
  unreadChanged: (total: number) => void;
}

export class Attention {
  private groups = new Map<string, Pick<GroupView, 'name' | 'muted' | 'myState' | 'unreadCount'>>();
  private enabled = true;
  private activeGroupId: string | null = null;
  private unread = -1;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly throttle = new NotificationThrottle();
  /** Shown notifications are kept referenced, or their click handlers may be collected. */
  private readonly shown = new Set<Notification>();
  private readonly stop: () => void;

  constructor(private readonly options: AttentionOptions) {
    this.stop = options.worker.onEvent((event, payload) => this.onEvent(event, payload));
  }

  async start(): Promise<void> {
    const settings = await this.options.worker.invoke('settings.get', {});
    if (settings.ok) this.enabled = (settings.value as Settings).notifications;
    await this.refresh();
  }

  /** Called for every request the UI made (through the IPC relay). */
  observe(name: unknown, input: unknown, result: IpcResult<unknown>): void {
    const hint = activeGroupHint(name, input);
    if (hint !== undefined) this.activeGroupId = hint;
    if (!result.ok) return;
    if (name === 'settings.set' || name === 'settings.get') this.enabled = (result.value as Settings).notifications;
    if (name === 'messages.markRead' || name === 'groups.setMuted' || name === 'invitations.accept' || name === 'groups.leave') this.scheduleRefresh();
  }

  dispose(): void {
    this.stop();
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    for (const n of this.shown) n.close();
    this.shown.clear();
  }

  private onEvent(event: string, payload: unknown): void {
    if (event === 'message') {
      const message = payload as MessageView;
      const content = messageNotification(message, this.context());
      if (content !== null && this.throttle.allow(message.groupId, Date.now())) this.show(content);
      this.scheduleRefresh();
    } else if (event === 'invitation') {
      const content = invitationNotification(payload as InvitationView & { state: string }, { enabled: this.enabled });
      if (content !== null) this.show(content);
    } else if (event === 'group') {
      const g = payload as GroupView;
      this.groups.set(g.groupId, { name: g.name, muted: g.muted, myState: g.myState, unreadCount: g.unreadCount });
      this.scheduleRefresh();
    }
  }

  private context() {
    const win = this.options.window();
    return {
      enabled: this.enabled,
      windowFocused: win !== null && !win.isDestroyed() && win.isVisible() && win.isFocused(),
      activeGroupId: this.activeGroupId,
      groups: this.groups,
    };
  }

  private show(content: NotificationContent): void {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title: content.title, body: content.body, icon: this.options.iconPath, silent: false });
    this.shown.add(n);
    n.on('click', () => {
      this.shown.delete(n);
      this.options.open(content.open);
    });
    n.on('close', () => this.shown.delete(n));
    n.show();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer !== undefined) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, 300);
  }

  private async refresh(): Promise<void> {
    const result = await this.options.worker.invoke('groups.list', {});
    if (!result.ok) {
      log.debug('could not list groups for the unread count', { code: result.error.code });
      return;
    }
    const groups = result.value as GroupView[];
    this.groups = new Map(groups.map((g) => [g.groupId, { name: g.name, muted: g.muted, myState: g.myState, unreadCount: g.unreadCount }]));
    const total = unreadTotal(groups);
    if (total === this.unread) return;
    this.unread = total;
    app.setBadgeCount(total);
    this.options.unreadChanged(total);
  }
}
