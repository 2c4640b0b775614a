import type { GroupView } from '../../../shared/domain/views';
import { Avatar } from '../../components/avatar';
import { Icon, type IconName } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';
import type { StringKey } from '../../i18n/strings-en';
import type { ChatPanel } from '../../state/app-state';
import { useAppState, useAppStore } from '../../state/app-store';
import { chatTitle } from '../groups/chat-title';
import { ModeBadge } from '../groups/mode-badge';
import { VerifiedMark } from '../../components/verified-mark';
import { setGroupMuted } from '../../state/app-loader';

const PANELS: { panel: Exclude<ChatPanel, null>; icon: IconName; label: StringKey }[] = [
  { panel: 'search', icon: 'search', label: 'chat.search' },
  { panel: 'jump', icon: 'calendar', label: 'chat.jumpToDate' },
  { panel: 'pins', icon: 'pin', label: 'chat.pins' },
  { panel: 'details', icon: 'info', label: 'chat.details' },
];

/** Name (with the verified mark of a direct chat's contact), members, encryption, mute, and the buttons that open the side panels. */
export function ChatHeader({ group }: { group: GroupView }) {
  const { t } = useI18n();
  const store = useAppStore();
  const panel = useAppState((s) => s.panel);
  // Everyone in the signed roster counts (the same number on every member's screen); those who have
  // not accepted yet are said to be invited rather than left out.
  const total = group.members.length;
  const pending = group.members.filter((m) => m.status === 'invited').length;
  const other = group.members.find((m) => !m.isSelf);
  return (
    <header className="chat-header">
      <Avatar id={group.groupId} name={chatTitle(group)} image={group.avatar} size={40} />
      <div className="chat-title">
        <h1 id="chat-title">
          {chatTitle(group)}
          {group.direct && other?.contactVerified === true && <VerifiedMark name={other.displayName} />}
        </h1>
        <p className="chat-subtitle">
          <span>{group.direct ? t('directChat.badge') : total === 1 ? t('chat.members.one') : t('chat.members', { count: total })}</span>
          {!group.direct && pending > 0 && <span className="muted">{t('chat.pending', { count: pending })}</span>}
          <ModeBadge mode={group.mode} />
        </p>
      </div>
      <div className="chat-actions">
        <button
          type="button"
          className="icon-button"
          aria-pressed={group.muted}
          aria-label={group.muted ? t('chat.unmute') : t('chat.mute')}
          title={group.muted ? t('chat.unmute') : t('chat.mute')}
          onClick={() => {
            void setGroupMuted(store, group.groupId, !group.muted);
          }}
        >
          <Icon name={group.muted ? 'bellOff' : 'bell'} />
        </button>
        {PANELS.map((p) => (
          <button
            key={p.panel}
            type="button"
            className="icon-button"
            aria-pressed={panel === p.panel}
            aria-label={t(p.label)}
            title={t(p.label)}
            onClick={() => store.dispatch({ type: 'panel', panel: panel === p.panel ? null : p.panel })}
          >
            <Icon name={p.icon} />
          </button>
        ))}
      </div>
    </header>
  );
}
