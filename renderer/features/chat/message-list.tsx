import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MessageView } from '../../../shared/domain/views';
import { Icon } from '../../components/icon';
import { localDayKey, useI18n } from '../../i18n/i18n-context';
import { MessageItem } from './message-item';
import type { MessageWindow, WindowSnapshot } from './message-window';
import { VirtualList } from './virtual-list';

const keyOf = (m: MessageView): string => m.id;
/** Consecutive messages from one sender within this time share one name label. */
const RUN_MS = 5 * 60_000;

/**
 * The chat's history: a virtual list over the message window with day separators (local days),
 * the "new messages" marker, paging at both edges, arrow-key movement between messages, and a
 * "jump to latest" button whenever the newest message is out of view.
 */
export function MessageList({
  window: win,
  snapshot,
  groupName,
  markerId,
  onReply,
  atEnd,
  onAtEndChange,
}: {
  window: MessageWindow;
  snapshot: WindowSnapshot;
  groupName: string;
  markerId: string | null;
  onReply: (m: MessageView) => void;
  /** Whether the newest message is in view (kept by the chat, which also reads on it). */
  atEnd: boolean;
  onAtEndChange: (atEnd: boolean) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { items } = snapshot;
  const [activeId, setActiveId] = useState<string | null>(null);
  const [highlightId, setHighlightId] = useState<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const byId = useMemo(() => new Map(items.map((m) => [m.id, m])), [items]);

  useEffect(() => {
    if (!snapshot.scroll.highlight || snapshot.scroll.messageId === null) return;
    setHighlightId(snapshot.scroll.messageId);
    const timer = setTimeout(() => setHighlightId(null), 2_500);
    return () => clearTimeout(timer);
  }, [snapshot.scroll]);

  const onJump = useCallback((id: string) => void win.jumpTo(id), [win]);

  const renderItem = (m: MessageView, i: number) => {
    const prev = i > 0 ? items[i - 1] : undefined;
    const newDay = prev === undefined ? !snapshot.hasOlder : localDayKey(prev.sentAt) !== localDayKey(m.sentAt);
    const continued = prev !== undefined && !newDay && prev.sender === m.sender && m.sentAt - prev.sentAt < RUN_MS && m.id !== markerId;
    return (
      <MessageItem
        message={m}
        dayLabel={newDay ? i18n.day(m.sentAt) : null}
        showMarker={m.id === markerId}
        continued={continued}
        active={m.id === activeId}
        highlighted={m.id === highlightId}
        repliedTo={m.replyTo === null ? undefined : (byId.get(m.replyTo) ?? null)}
        onReply={onReply}
        onJump={onJump}
        onFocus={setActiveId}
      />
    );
  };

  // Up/Down move between messages (one Tab stop for the list); Tab then reaches that message's actions.
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    if ((e.target as HTMLElement).closest('button, input, textarea, a') !== null) return;
    const at = activeId === null ? -1 : items.findIndex((m) => m.id === activeId);
    const from = at >= 0 ? at : items.length;
    const next = e.key === 'ArrowUp' ? Math.max(0, from - 1) : Math.min(items.length - 1, from + 1);
    const target = items[next];
    if (target === undefined) return;
    e.preventDefault();
    setActiveId(target.id);
    // Neighbours are always within the rendered overscan; focusing scrolls the message into view.
    requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>(`[data-message-id="${target.id}"]`)?.focus());
  };

  const showJump = snapshot.hasNewer || !atEnd;
  return (
    <div className="message-list" ref={listRef}>
      {snapshot.status === 'loading' && (
        <p className="list-status" role="status">
          {t('chat.loading')}
        </p>
      )}
      {snapshot.status === 'ready' && items.length === 0 && <p className="list-status muted">{t('chat.empty')}</p>}
      {snapshot.loadingOlder && (
        <p className="list-status top" role="status">
          {t('chat.loadingOlder')}
        </p>
      )}
      <VirtualList
        items={items}
        keyOf={keyOf}
        estimateHeight={64}
        renderItem={renderItem}
        scrollRequest={{ key: snapshot.scroll.messageId, align: snapshot.scroll.align, seq: snapshot.scroll.seq }}
        followEnd={!snapshot.hasNewer}
        keepKey={activeId}
        onNearStart={() => void win.loadOlder()}
        onNearEnd={() => void win.loadNewer()}
        onAtEndChange={onAtEndChange}
        label={t('chat.messages', { name: groupName })}
        busy={snapshot.status === 'loading'}
        onKeyDown={onKeyDown}
      />
      {showJump && items.length > 0 && (
        <button
          type="button"
          className="jump-latest"
          onClick={() => {
            if (snapshot.hasNewer) void win.loadLatest();
            else void win.jumpToEnd();
          }}
        >
          <Icon name="arrowDown" size={16} />
          {t('chat.jumpLatest')}
        </button>
      )}
    </div>
  );
}
