import { Avatar } from '../../components/avatar';
import { Icon, type IconName } from '../../components/icon';
import { Logo } from '../../components/logo';
import { useI18n } from '../../i18n/i18n-context';
import type { MainView } from '../../state/app-state';
import { useAppState, useAppStore } from '../../state/app-store';
import type { StringKey } from '../../i18n/strings-en';

const ITEMS: { view: MainView; icon: IconName; label: StringKey }[] = [
  { view: 'chats', icon: 'chats', label: 'nav.chats' },
  { view: 'contacts', icon: 'contacts', label: 'nav.contacts' },
  { view: 'settings', icon: 'settings', label: 'nav.settings' },
];

/** The left rail: the three views, with the total unread count on Chats. */
export function NavRail() {
  const { t } = useI18n();
  const store = useAppStore();
  const view = useAppState((s) => s.view);
  const identity = useAppState((s) => s.identity);
  const unread = useAppState((s) => {
    let n = 0;
    for (const g of Object.values(s.groups)) if (!g.muted && g.myState === 'joined') n += g.unreadCount;
    return n + Object.keys(s.invitations).length;
  });
  return (
    <nav className="nav-rail" aria-label={t('nav.label')}>
      <Logo size={40} className="nav-brand" />
      <ul>
        {ITEMS.map((item) => (
          <li key={item.view}>
            <button
              type="button"
              className="nav-item"
              aria-current={view === item.view ? 'page' : undefined}
              onClick={() => store.dispatch({ type: 'navigate', view: item.view })}
            >
              <Icon name={item.icon} size={22} />
              <span className="nav-label">{t(item.label)}</span>
              {item.view === 'chats' && unread > 0 && (
                <span className="badge nav-badge" aria-label={t('groups.unread', { count: unread })}>
                  {unread > 99 ? '99+' : unread}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {identity !== null && (
        <div className="nav-me" title={identity.displayName}>
          <Avatar id={identity.userId} name={identity.displayName} size={34} />
        </div>
      )}
    </nav>
  );
}
