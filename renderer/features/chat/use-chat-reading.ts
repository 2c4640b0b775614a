import { useEffect, useRef, useState } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { useKizunaEvent } from '../../api/use-kizuna-event';
import { previewText } from './message-preview';
import { markerFor } from './message-runs';
import type { WindowSnapshot } from './message-window';

const ANNOUNCE_MS = 1_000;

/** Where the "new messages" marker goes: fixed when the chat opens (from the unread count then), not moved by later reads. */
export function useNewMessagesMarker(group: GroupView, snapshot: WindowSnapshot): string | null {
  const unreadAtOpen = useRef(group.unreadCount);
  const [markerId, setMarkerId] = useState<string | null>(null);
  const markerSet = useRef(false);
  useEffect(() => {
    if (markerSet.current || snapshot.status !== 'ready') return;
    markerSet.current = true;
    setMarkerId(markerFor(snapshot.items, unreadAtOpen.current));
  }, [snapshot.status, snapshot.items]);
  return markerId;
}

/**
 * Acknowledges reading (messages.markRead) only when the newest message is in view and the window is
 * visible, so a chat left open in the background does not send receipts. Read marks are per message:
 * it names the others' messages the window shows, so one that arrives late with an older time (and
 * is not in the window) or after this render is not marked read unseen.
 */
export function useReadWhenSeen(group: GroupView, snapshot: WindowSnapshot, seen: { atEnd: boolean; visible: boolean }): void {
  const canRead = group.myState === 'joined';
  const reading = useRef(false);
  // Ids a markRead already named: read since (or never unread), so not named again. With the chat open
  // as messages stream in, each read names the new ones only, not the whole window every time.
  const acknowledged = useRef(new Set<string>());
  // Bumped after each successful markRead, so messages that arrived while it ran are read too.
  const [readRound, setReadRound] = useState(0);
  const { atEnd, visible } = seen;
  useEffect(() => {
    if (!canRead || !visible || !atEnd || snapshot.hasNewer || snapshot.status !== 'ready' || group.unreadCount === 0 || reading.current) return;
    const shown = snapshot.items.filter((m) => !m.isMine).map((m) => m.id);
    // Kept to what the window shows, so it does not grow with the chat's history.
    acknowledged.current = new Set(shown.filter((id) => acknowledged.current.has(id)));
    const messageIds = shown.filter((id) => !acknowledged.current.has(id));
    if (messageIds.length === 0) return;
    reading.current = true;
    call('messages.markRead', { groupId: group.groupId, messageIds })
      .then((n) => {
        reading.current = false;
        for (const id of messageIds) acknowledged.current.add(id);
        if (n > 0) setReadRound((r) => r + 1);
      })
      .catch(() => {
        reading.current = false;
      });
  }, [canRead, visible, atEnd, snapshot.hasNewer, snapshot.status, group.unreadCount, group.groupId, snapshot.items, readRound]);
}

/**
 * New messages from others, for screen readers (the virtual list itself is not live): the newest one
 * at most every ANNOUNCE_MS, so a burst is one announcement, not a flood.
 */
export function useArrivalAnnouncement(groupId: string): string {
  const [announcement, setAnnouncement] = useState('');
  const toAnnounce = useRef<string | null>(null);
  const announceTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useKizunaEvent('message', (m) => {
    if (m.groupId !== groupId || m.isMine) return;
    toAnnounce.current = `${m.senderName}: ${previewText(m, 200)}`;
    announceTimer.current ??= setTimeout(() => {
      announceTimer.current = undefined;
      setAnnouncement(toAnnounce.current ?? '');
    }, ANNOUNCE_MS);
  });
  useEffect(() => () => clearTimeout(announceTimer.current), []);
  return announcement;
}
