import { useMemo, useRef, useState } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import { Icon } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState, useAppStore } from '../../state/app-store';
import { GroupListItem } from './group-list-item';
import { SlimSidebarSection } from '../slim-sessions/slim-sidebar-section';
import { InvitationItem } from './invitation-item';
import { NewDirectChatDialog } from './new-direct-chat-dialog';

/** Groups the list shows: ones we are or were in. Pending invitations have their own section. */
function listed(g: GroupView): boolean {
  return g.myState !== 'invited' && g.myState !== 'declined';
}

/** The chat list: pending invitations first, then groups by latest activity, with "New group". */
export function GroupSidebar() {
  const { t } = useI18n();
  const store = useAppStore();
  const groupsById = useAppState((s) => s.groups);
  const invitationsById = useAppState((s) => s.invitations);
  const openGroupId = useAppState((s) => s.openGroupId);
  const listRef = useRef<HTMLUListElement>(null);
  const [startingChat, setStartingChat] = useState(false);

  const groups = useMemo(
    () =>
      Object.values(groupsById)
        .filter(listed)
        .sort((a, b) => b.lastActivityAt - a.lastActivityAt || a.name.localeCompare(b.name)),
    [groupsById],
  );
  const invitations = useMemo(() => Object.values(invitationsById).sort((a, b) => b.receivedAt - a.receivedAt), [invitationsById]);

  // Arrow keys move between chats (one Tab stop for the whole list, as in other desktop messengers).
  const onKeyDown = (e: React.KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    const items = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button.group-item') ?? [])];
    const at = items.findIndex((b) => b === document.activeElement);
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : e.key === 'ArrowDown' ? Math.min(items.length - 1, at + 1) : Math.max(0, at - 1);
    items[next]?.focus();
    e.preventDefault();
  };

  return (
    <aside className="sidebar" aria-label={t('groups.title')}>
      <header className="sidebar-header">
        <h1>{t('groups.title')}</h1>
        <div className="sidebar-actions">
          <button type="button" className="button small" onClick={() => setStartingChat(true)}>
            <Icon name="plus" size={16} />
            <span className="button-label">{t('groups.newChat')}</span>
          </button>
          <button type="button" className="button primary small" onClick={() => store.dispatch({ type: 'creating-group', open: true })}>
            <Icon name="plus" size={16} />
            <span className="button-label">{t('groups.new')}</span>
          </button>
        </div>
      </header>
      <div className="sidebar-scroll">
        {invitations.length > 0 && (
          <section className="invitations" aria-labelledby="invitations-title">
            <h2 id="invitations-title" className="section-title">
              {t('invitations.title')}
            </h2>
            <ul>
              {invitations.map((inv) => (
                <InvitationItem key={inv.groupId} invitation={inv} />
              ))}
            </ul>
          </section>
        )}
        <SlimSidebarSection />
        {groups.length === 0 && invitations.length === 0 ? (
          <p className="muted sidebar-empty">{t('groups.empty')}</p>
        ) : (
          <ul ref={listRef} className="group-list" aria-label={t('groups.listLabel')} onKeyDown={onKeyDown}>
            {groups.map((g, i) => (
              <GroupListItem key={g.groupId} group={g} selected={g.groupId === openGroupId} tabbable={openGroupId === null ? i === 0 : g.groupId === openGroupId} />
            ))}
          </ul>
        )}
      </div>
      {startingChat && <NewDirectChatDialog onClose={() => setStartingChat(false)} />}
    </aside>
  );
}
