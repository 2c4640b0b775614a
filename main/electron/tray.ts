/** The tray icon: unread count in its tooltip and menu, open and quit. */
import { Menu, Tray, nativeImage } from 'electron';

export interface AppTray {
  setUnread(total: number): void;
  destroy(): void;
}

export function createAppTray(iconPath: string, actions: { open: () => void; quit: () => void }): AppTray | null {
  const image = nativeImage.createFromPath(iconPath);
  if (image.isEmpty()) return null;
  const tray = new Tray(image.resize({ width: 22, height: 22 }));
  const render = (total: number): void => {
    const label = total === 0 ? 'No unread messages' : total === 1 ? '1 unread message' : `${total} unread messages`;
    tray.setToolTip(total === 0 ? 'Kizuna' : `Kizuna — ${label}`);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Kizuna', click: actions.open },
        { label, enabled: false },
        { type: 'separator' },
        { label: 'Quit Kizuna', click: actions.quit },
      ]),
    );
  };
  render(0);
  tray.on('click', actions.open);
  return {
    setUnread: render,
    destroy: () => tray.destroy(),
  };
}
