/**
 * Desktop notifications (new messages, invitations) and the unread count (dock/launcher badge and
 * tray), driven by the core's events. Decisions are in attention-state.ts and notification-policy.ts;
 * this file only talks to Electron.
 */
import { app, Notification, type BrowserWindow } from 'electron';
import type { DeepLink, Settings } from '../../shared/ipc/ipc-contract.js';
import { createLogger } from '../core/log/logger.js';
import { AttentionState, type AttentionEffects, type KeyedNotification } from './attention-state.js';
import type { ShellCore } from './core-port.js';

const log = createLogger('shell.attention');

export interface AttentionOptions {
  core: ShellCore;
  window: () => BrowserWindow | null;
  iconPath: string;
  /** A notification was clicked. */
  open: (link: DeepLink) => void;
  /** The unread total changed (the tray shows it). */
  unreadChanged: (total: number) => void;
}

export class Attention {
  private readonly state: AttentionState;
  /** Shown notifications by key (to withdraw them); kept referenced, or their click handlers may be collected. */
  private readonly shown = new Map<string, Notification>();
  private readonly stop: () => void;

  constructor(private readonly options: AttentionOptions) {
    this.state = new AttentionState(() => {
      const win = options.window();
      return win !== null && !win.isDestroyed() && win.isVisible() && win.isFocused();
    });
    this.stop = options.core.onEvent((event) => this.apply(this.state.onEvent(event, Date.now())));
  }

  /** Reads the settings and the groups once; from then on the core's events keep the shell current. */
  async start(): Promise<void> {
    const [settings, groups] = await Promise.all([this.options.core.invoke('settings.get', {}), this.options.core.invoke('groups.list', {})]);
    if (!groups.ok) log.debug('could not list groups for the unread count', { code: groups.error.code });
    this.apply(this.state.started(settings.ok ? settings.value : null, groups.ok ? groups.value : null));
  }

  /** The renderer shows this chat (ui.setOpenChat). */
  setOpenChat(groupId: string | null): void {
    this.state.setOpenChat(groupId);
  }

  settingsChanged(settings: Settings): void {
    this.state.settingsChanged(settings);
  }

  dispose(): void {
    this.stop();
    for (const n of this.shown.values()) n.close();
    this.shown.clear();
  }

  private apply(effects: AttentionEffects): void {
    for (const key of effects.withdraw ?? []) this.withdraw(key);
    if (effects.notify !== undefined) this.show(effects.notify);
    if (effects.badge !== undefined) {
      app.setBadgeCount(effects.badge);
      this.options.unreadChanged(effects.badge);
    }
  }

  private show(content: KeyedNotification): void {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title: content.title, body: content.body, icon: this.options.iconPath, silent: false });
    this.shown.get(content.key)?.close();
    this.shown.set(content.key, n);
    const gone = (): void => {
      if (this.shown.get(content.key) !== n) return;
      this.shown.delete(content.key);
      this.state.dismissed(content.key);
    };
    n.on('click', () => {
      gone();
      this.options.open(content.open);
    });
    n.on('close', gone);
    n.show();
  }

  /** Closes a notification whose message the group let go (it stays in the OS's centre otherwise). */
  private withdraw(key: string): void {
    const n = this.shown.get(key);
    if (n === undefined) return;
    this.shown.delete(key);
    n.close();
  }
}
