import { useEffect, useState } from 'react';
import type { GroupView, MessageView } from '../../../shared/domain/views';
import { PANEL_OVERLAY_QUERY, useMediaQuery } from '../../components/use-media-query';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState, useAppStore } from '../../state/app-store';
import { GroupDetailsPanel } from '../groups/group-details-panel';
import { ChatHeader } from './chat-header';
import { KeyChangeWarning } from './key-change-warning';
import { Composer } from './composer';
import { JumpToDatePanel } from './jump-to-date-panel';
import { MessageList } from './message-list';
import { PinsPanel } from './pins-panel';
import { SearchPanel } from '../search/search-panel';
import { TypingIndicator } from './typing-indicator';
import { useArrivalAnnouncement, useNewMessagesMarker, useReadWhenSeen } from './use-chat-reading';
import { useGroupChanges } from './use-group-changes';
import { useMessageWindow } from './use-message-window';
import { usePageVisible } from './use-page-visible';

/** Why the composer is not offered (the chat is read-only), or null. */
const READONLY_KEYS = { left: 'chat.readonly.left', removed: 'chat.readonly.removed', closed: 'chat.readonly.closed', joining: 'chat.readonly.joining' } as const;

/**
 * One open chat: its history, typing, the composer (or why there is none) and a side panel. Reading
 * is acknowledged only when the newest message is in view and the window is visible.
 */
export function ChatView({ group }: { group: GroupView }) {
  const { t } = useI18n();
  const store = useAppStore();
  const panel = useAppState((s) => s.panel);
  const jumpRequest = useAppState((s) => s.jump);
  const { window: win, snapshot } = useMessageWindow(group.groupId);
  const [replyTo, setReplyTo] = useState<MessageView | null>(null);
  const [atEnd, setAtEnd] = useState(true);
  const visible = usePageVisible();
  const markerId = useNewMessagesMarker(group, snapshot);
  const changes = useGroupChanges(group.groupId);
  useReadWhenSeen(group, snapshot, { atEnd, visible });
  const announcement = useArrivalAnnouncement(group.groupId);

  const closePanel = (): void => store.dispatch({ type: 'panel', panel: null });
  // In a narrow window the panel lies over the chat: the chat is then inert (no Tab, no clicks) and
  // Escape closes the panel wherever focus is.
  const overlaid = useMediaQuery(PANEL_OVERLAY_QUERY) && panel !== null;
  useEffect(() => {
    if (!overlaid) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && !e.defaultPrevented) store.dispatch({ type: 'panel', panel: null });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [overlaid, store]);
  const jump = (messageId: string): void => void win.jumpTo(messageId);
  // A search result chose a message here: open the history around it (after the window's first load started, which it supersedes).
  useEffect(() => {
    if (jumpRequest !== null && jumpRequest.groupId === group.groupId) void win.jumpTo(jumpRequest.messageId);
  }, [jumpRequest, win, group.groupId]);

  const readonlyKey =
    group.myState === 'closed' && group.isAdmin
      ? 'chat.readonly.closedByYou'
      : group.myState in READONLY_KEYS
        ? READONLY_KEYS[group.myState as keyof typeof READONLY_KEYS]
        : null;
  const readonly = readonlyKey === null ? null : t(readonlyKey);

  return (
    <div className={overlaid ? 'chat-area panel-overlaid' : 'chat-area'}>
      <main className="chat" aria-labelledby="chat-title" inert={overlaid}>
        <ChatHeader group={group} />
        <KeyChangeWarning group={group} />
        <MessageList window={win} snapshot={snapshot} groupName={group.name} changes={changes} markerId={markerId} onReply={setReplyTo} atEnd={atEnd} onAtEndChange={setAtEnd} />
        <TypingIndicator group={group} />
        {readonly === null ? (
          <Composer groupId={group.groupId} replyTo={replyTo} onCancelReply={() => setReplyTo(null)} />
        ) : (
          <p className="readonly-notice" role="note">
            {readonly}
          </p>
        )}
        <div className="visually-hidden" aria-live="polite">
          {announcement}
        </div>
      </main>
      {overlaid && <div className="side-panel-scrim" aria-hidden="true" onClick={closePanel} />}
      {panel === 'details' && <GroupDetailsPanel group={group} onClose={closePanel} />}
      {panel === 'search' && <SearchPanel onClose={closePanel} />}
      {panel === 'pins' && <PinsPanel groupId={group.groupId} onJump={jump} onClose={closePanel} />}
      {panel === 'jump' && <JumpToDatePanel window={win} onClose={closePanel} />}
    </div>
  );
}
