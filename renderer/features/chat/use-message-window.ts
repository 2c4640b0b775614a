import { useEffect, useState, useSyncExternalStore } from 'react';
import { subscribe } from '../../api/kizuna-client';
import { MessageWindow, type WindowSnapshot } from './message-window';

/**
 * One MessageWindow for the open chat, fed by the core's message events while it is mounted. The
 * chat view is keyed by group id, so a different chat always gets a fresh window.
 */
export function useMessageWindow(groupId: string): { window: MessageWindow; snapshot: WindowSnapshot } {
  const [win] = useState(() => new MessageWindow(groupId));

  useEffect(() => {
    const offs = [
      subscribe('message', (m) => win.onMessage(m)),
      subscribe('send-state', (e) => e.groupId === groupId && win.onSendState(e.messageId, e)),
      subscribe('messages-retracted', (e) => e.groupId === groupId && win.onRetracted(e.messageIds)),
      subscribe('pin', (e) => e.groupId === groupId && win.onPin(e.messageId, e.pinned)),
      subscribe('receipt', (e) => e.groupId === groupId && win.onReceipt(e.messageId)),
      // Retries ran out for one of ours: re-read it to show its failure.
      subscribe('delivery-failed', (e) => e.groupId === groupId && win.onReceipt(e.messageId)),
      subscribe('file', (e) => e.groupId === groupId && e.complete && win.onFileComplete(e.hash)),
    ];
    void win.loadLatest();
    return () => {
      for (const off of offs) off();
      win.stop();
    };
  }, [win, groupId]);

  const snapshot = useSyncExternalStore(win.subscribe, win.getSnapshot);
  return { window: win, snapshot };
}
