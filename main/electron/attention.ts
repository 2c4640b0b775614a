/**
 * Desktop notifications (new messages, invitations) and the unread count (dock/launcher badge and
 * tray), driven by the core's events. Decisions are in attention-state.ts, notice-board.ts and
 * notification-policy.ts; notifications go on screen through electron-notifier.ts; this file wires
 * them to the core and sets the badge.
 */
import { app, type BrowserWindow } from 'electron';
import type { DeepLink, Settings } from '../../shared/ipc/ipc-contract.js';
import { createLogger } from '../core/log/logger.js';
import { AttentionState, type AttentionEffects } from './attention-state.js';
import type { ShellCore } from './core-port.js';
import { electronNotifier } from './electron-notifier.js';

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
  private readonly stop: () => void;

  constructor(private readonly options: AttentionOptions) {
    const focused = (): boolean => {
      const win = options.window();
      return win !== null && !win.isDestroyed() && win.isVisible() && win.isFocused();
    };
    this.state = new AttentionState(focused, electronNotifier(options.iconPath, options.open));
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
    this.state.closeAll();
  }

  private apply(effects: AttentionEffects): void {
    if (effects.badge === undefined) return;
    app.setBadgeCount(effects.badge);
    this.options.unreadChanged(effects.badge);
  }
}
