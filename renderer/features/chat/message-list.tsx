import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GroupChangeView } from '../../../shared/domain/group-change';
import type { MessageView } from '../../../shared/domain/views';
import { Icon } from '../../components/icon';
import { localDayKey, useI18n } from '../../i18n/i18n-context';
import { changesAround } from './group-change-placement';
import { GroupChangeLine } from './group-change-line';
import { MessageItem } from './message-item';
import { neighbour, placeInList } from './message-runs';
import type { MessageWindow, ScrollRequest, WindowSnapshot } from './message-window';
import { VirtualList } from './virtual-list';

const keyOf = (m: MessageView): string => m.id;

export interface MessageListProps {
  window: MessageWindow;
  snapshot: WindowSnapshot;
  groupName: string;
  markerId: string | null;
  onReply: (m: MessageView) => void;
  /** Whether the newest message is in view (kept by the chat, which also reads on it). */
  atEnd: boolean;
  onAtEndChange: (atEnd: boolean) => void;
  /** Group changes, oldest first: each shows as a line after the last message sent before it. */
  changes?: readonly GroupChangeView[];
}

/**
 * The chat's history: a virtual list over the message window with day separators (local days),
 * the "new messages" marker, paging at both edges, arrow-key movement between messages, and a
 * "jump to latest" button whenever the newest message is out of view.
 */
export function MessageList({ window: win, snapshot, groupName, markerId, onReply, atEnd, onAtEndChange, changes = [] }: MessageListProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { items } = snapshot;
  const listRef = useRef<HTMLDivElement>(null);
  const { activeId, setActiveId, onKeyDown } = useArrowKeys(items, listRef);
  const highlightId = useHighlight(snapshot.scroll);
  const byId = useMemo(() => new Map(items.map((m) => [m.id, m])), [items]);
  const onJump = useCallback((id: string) => void win.jumpTo(id), [win]);

  const renderItem = (m: MessageView, i: number) => {
    const { newDay, continued } = placeInList(items, i, { hasOlder: snapshot.hasOlder, markerId, dayKey: localDayKey });
    const around = changesAround(items, i, changes, snapshot);
    return (
      <>
        {around.above.map((c) => (
          <GroupChangeLine key={c.version} change={c} />
        ))}
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
        {around.below.map((c) => (
          <GroupChangeLine key={c.version} change={c} />
        ))}
      </>
    );
  };

  const showJump = snapshot.hasNewer || !atEnd;
  return (
    <div className="message-list" ref={listRef}>
      <ListStatus snapshot={snapshot} />
      {snapshot.status === 'ready' && items.length === 0 && (
        <div className="group-change-only">
          {changes.map((c) => (
            <GroupChangeLine key={c.version} change={c} />
          ))}
        </div>
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
        <button type="button" className="jump-latest" onClick={() => void (snapshot.hasNewer ? win.loadLatest() : win.jumpToEnd())}>
          <Icon name="arrowDown" size={16} />
          {t('chat.jumpLatest')}
        </button>
      )}
    </div>
  );
}

/** Loading, empty, and "loading older" lines over the list. */
function ListStatus({ snapshot }: { snapshot: WindowSnapshot }) {
  const { t } = useI18n();
  return (
    <>
      {snapshot.status === 'loading' && (
        <p className="list-status" role="status">
          {t('chat.loading')}
        </p>
      )}
      {snapshot.status === 'ready' && snapshot.items.length === 0 && <p className="list-status muted">{t('chat.empty')}</p>}
      {snapshot.loadingOlder && (
        <p className="list-status top" role="status">
          {t('chat.loadingOlder')}
        </p>
      )}
    </>
  );
}

/** Up/Down move between messages (one Tab stop for the list); Tab then reaches that message's actions. */
function useArrowKeys(items: readonly MessageView[], listRef: React.RefObject<HTMLDivElement | null>) {
  const [activeId, setActiveId] = useState<string | null>(null);
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>): void => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    if ((e.target as HTMLElement).closest('button, input, textarea, a') !== null) return;
    const target = neighbour(items, activeId, e.key);
    if (target === undefined) return;
    e.preventDefault();
    setActiveId(target.id);
    // Neighbours are always within the rendered overscan; focusing scrolls the message into view.
    requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>(`[data-message-id="${target.id}"]`)?.focus());
  };
  return { activeId, setActiveId, onKeyDown };
}

/** The message a scroll request asked to highlight, for a moment. */
function useHighlight(scroll: ScrollRequest): string | null {
  const [highlightId, setHighlightId] = useState<string | null>(null);
  useEffect(() => {
    if (!scroll.highlight || scroll.messageId === null) return;
    setHighlightId(scroll.messageId);
    const timer = setTimeout(() => setHighlightId(null), 2_500);
    return () => clearTimeout(timer);
  }, [scroll]);
  return highlightId;
}
