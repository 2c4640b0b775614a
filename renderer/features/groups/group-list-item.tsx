import type { GroupView } from '../../../shared/domain/views';
import { Avatar } from '../../components/avatar';
import { Icon } from '../../components/icon';
import { localDayKey, useI18n } from '../../i18n/i18n-context';
import { useAppState, useAppStore } from '../../state/app-store';
import { setGroupMuted } from '../../state/app-loader';
import { chatTitle } from './chat-title';

/** One chat in the list: picture, name, last message, time, unread badge and a mute toggle. */
export function GroupListItem({ group, selected, tabbable }: { group: GroupView; selected: boolean; tabbable: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const store = useAppStore();
  const selfId = useAppState((s) => s.identity?.userId);
  const typing = useAppState((s) => s.typing[group.groupId]);
  const someoneTyping = typing !== undefined && Object.keys(typing).length > 0;

  const last = group.lastMessage;
  let preview: string;
  let isFile = false;
  if (group.myState === 'joining') preview = t('groups.state.joining');
  else if (group.myState === 'left') preview = t('groups.state.left');
  else if (group.myState === 'removed') preview = t('groups.state.removed');
  else if (group.myState === 'closed') preview = t(group.isAdmin ? 'groups.state.closedByYou' : 'groups.state.closed');
  else if (last === null) preview = t('groups.noMessages');
  else {
    const who = last.sender === selfId ? t('common.you') : last.senderName;
    isFile = last.kind !== 'text';
    preview = `${who}: ${last.text}`;
  }
  const when = last?.sentAt ?? group.lastActivityAt;
  const whenText = localDayKey(when) === localDayKey(Date.now()) ? i18n.time(when) : i18n.day(when);
  const inactive = group.myState === 'left' || group.myState === 'removed' || group.myState === 'closed';

  return (
    <li className={`group-row${selected ? ' selected' : ''}${inactive ? ' inactive' : ''}`}>
      <button
        type="button"
        className="group-item"
        tabIndex={tabbable ? 0 : -1}
        aria-current={selected ? 'true' : undefined}
        data-group-id={group.groupId}
        onClick={() => store.dispatch({ type: 'open-group', groupId: group.groupId })}
      >
        <Avatar id={group.groupId} name={chatTitle(group)} image={group.avatar} size={44} />
        <span className="group-item-text">
          <span className="group-item-top">
            <span className="group-name">{chatTitle(group)}</span>
            <span className="group-time">{when > 0 ? whenText : ''}</span>
          </span>
          <span className="group-item-bottom">
            <span className={someoneTyping ? 'group-preview typing' : 'group-preview'}>
              {isFile && !someoneTyping && <Icon name="attach" size={12} className="inline-icon" />}
              {someoneTyping ? t('groups.typing') : preview}
            </span>
            {group.muted && (
              <span className="muted-mark" title={t('groups.muted')}>
                <Icon name="bellOff" size={14} />
                <span className="visually-hidden">{t('groups.muted')}</span>
              </span>
            )}
            {group.unreadCount > 0 && (
              <span className={group.muted ? 'badge badge-muted' : 'badge'} data-testid="unread-badge">
                <span aria-hidden="true">{group.unreadCount > 999 ? '999+' : group.unreadCount}</span>
                <span className="visually-hidden">{t('groups.unread', { count: group.unreadCount })}</span>
              </span>
            )}
          </span>
        </span>
      </button>
      {!inactive && (
        <button
          type="button"
          className="icon-button group-mute"
          tabIndex={-1}
          aria-label={`${group.muted ? t('chat.unmute') : t('chat.mute')} ${chatTitle(group)}`}
          aria-pressed={group.muted}
          onClick={() => {
            void setGroupMuted(store, group.groupId, !group.muted);
          }}
        >
          <Icon name={group.muted ? 'bell' : 'bellOff'} size={16} />
        </button>
      )}
    </li>
  );
}
