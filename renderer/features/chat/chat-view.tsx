import { useEffect, useRef, useState } from 'react';
import type { GroupView, MessageView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { useKizunaEvent } from '../../api/use-kizuna-event';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState, useAppStore } from '../../state/app-store';
import { GroupDetailsPanel } from '../groups/group-details-panel';
import { ChatHeader } from './chat-header';
import { Composer } from './composer';
import { JumpToDatePanel } from './jump-to-date-panel';
import { MessageList } from './message-list';
import { PinsPanel } from './pins-panel';
import { SearchPanel } from './search-panel';
import { TypingIndicator } from './typing-indicator';
import { useMessageWindow } from './use-message-window';
import { usePageVisible } from './use-page-visible';
import { previewText } from './message-preview';

const ANNOUNCE_MS = 1_000;

/** Where the "new messages" marker goes: above the oldest of the last `unread` received messages. */
function markerFor(items: readonly MessageView[], unread: number): string | null {
  if (unread <= 0) return null;
  let seen = 0;
  let marker: string | null = null;
  for (let i = items.length - 1; i >= 0 && seen < unread; i--) {
    const m = items[i] as MessageView;
    if (!m.isMine) {
      seen++;
      marker = m.id;
    }
  }
  return marker;
}

/**
 * One open chat. Reading is acknowledged (messages.markRead) only when the newest message is in
 * view and the window is visible, so a chat left open in the background does not send receipts.
 */
export function ChatView({ group }: { group: GroupView }) {
  const { t } = useI18n();
  const store = useAppStore();
  const panel = useAppState((s) => s.panel);
  const { window: win, snapshot } = useMessageWindow(group.groupId);
  const [replyTo, setReplyTo] = useState<MessageView | null>(null);
  const [atEnd, setAtEnd] = useState(true);
  const visible = usePageVisible();
  const [announcement, setAnnouncement] = useState('');

  // The marker is fixed when the chat opens (from the unread count then), not moved by later reads.
  const unreadAtOpen = useRef(group.unreadCount);
  const [markerId, setMarkerId] = useState<string | null>(null);
  const markerSet = useRef(false);
  useEffect(() => {
    if (markerSet.current || snapshot.status !== 'ready') return;
    markerSet.current = true;
    setMarkerId(markerFor(snapshot.items, unreadAtOpen.current));
  }, [snapshot.status, snapshot.items]);

  const canRead = group.myState === 'joined';
  const reading = useRef(false);
  // Bumped after each successful markRead, so messages that arrived while it ran are read too.
  const [readRound, setReadRound] = useState(0);
  useEffect(() => {
    if (!canRead || !visible || !atEnd || snapshot.hasNewer || snapshot.status !== 'ready' || group.unreadCount === 0 || reading.current) return;
    reading.current = true;
    call('messages.markRead', { groupId: group.groupId })
      .then((n) => {
        reading.current = false;
        if (n > 0) setReadRound((r) => r + 1);
      })
      .catch(() => {
        reading.current = false;
      });
  }, [canRead, visible, atEnd, snapshot.hasNewer, snapshot.status, group.unreadCount, group.groupId, snapshot.items, readRound]);

  // New messages from others are announced to screen readers (the virtual list itself is not live):
  // the newest one at most every ANNOUNCE_MS, so a burst is one announcement, not a flood.
  const toAnnounce = useRef<string | null>(null);
  const announceTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useKizunaEvent('message', (m) => {
    if (m.groupId !== group.groupId || m.isMine) return;
    toAnnounce.current = `${m.senderName}: ${previewText(m, 200)}`;
    announceTimer.current ??= setTimeout(() => {
      announceTimer.current = undefined;
      setAnnouncement(toAnnounce.current ?? '');
    }, ANNOUNCE_MS);
  });
  useEffect(() => () => clearTimeout(announceTimer.current), []);

  const closePanel = (): void => store.dispatch({ type: 'panel', panel: null });
  const jump = (messageId: string): void => void win.jumpTo(messageId);

  let readonly: string | null = null;
  if (group.myState === 'left') readonly = t('chat.readonly.left');
  else if (group.myState === 'removed') readonly = t('chat.readonly.removed');
  else if (group.myState === 'closed') readonly = t('chat.readonly.closed');
  else if (group.myState === 'joining') readonly = t('chat.readonly.joining');

  return (
    <div className="chat-area">
      <main className="chat" aria-labelledby="chat-title">
        <ChatHeader group={group} />
        <MessageList window={win} snapshot={snapshot} groupName={group.name} markerId={markerId} onReply={setReplyTo} atEnd={atEnd} onAtEndChange={setAtEnd} />
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
      {panel === 'details' && <GroupDetailsPanel group={group} onClose={closePanel} />}
      {panel === 'search' && <SearchPanel groupId={group.groupId} onJump={jump} onClose={closePanel} />}
      {panel === 'pins' && <PinsPanel groupId={group.groupId} onJump={jump} onClose={closePanel} />}
      {panel === 'jump' && <JumpToDatePanel window={win} onClose={closePanel} />}
    </div>
  );
}
