import { Logo } from '../../components/logo';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState } from '../../state/app-store';
import { ChatView } from './chat-view';

/** The main pane of the Chats view: the open chat, or a hint when none is open. */
export function ChatScreen() {
  const { t } = useI18n();
  const group = useAppState((s) => (s.openGroupId === null ? undefined : s.groups[s.openGroupId]));
  if (group === undefined) {
    return (
      <main className="chat-empty">
        <Logo size={84} className="chat-empty-art" />
        <p className="muted">{t('chat.none')}</p>
      </main>
    );
  }
  // Keyed: each chat gets its own message window, marker and composer state.
  return <ChatView key={group.groupId} group={group} />;
}
