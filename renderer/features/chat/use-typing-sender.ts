import { useCallback, useEffect, useRef } from 'react';
import { call } from '../../api/kizuna-client';

/** Re-announce typing this often while the user keeps typing (receivers expire it after 6 s). */
const REPEAT_MS = 3_000;
/** Typing stops being announced after this long without a keystroke. */
const IDLE_MS = 5_000;

/** Announces "typing" for a group: throttled while typing, stopped on idle, send, or leaving the chat. */
export function useTypingSender(groupId: string, enabled: boolean): { typed: () => void; stopped: () => void } {
  const lastSent = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const stopped = useCallback(() => {
    if (idleTimer.current !== undefined) clearTimeout(idleTimer.current);
    idleTimer.current = undefined;
    if (lastSent.current === 0) return;
    lastSent.current = 0;
    void call('messages.typing', { groupId, typing: false }).catch(() => undefined);
  }, [groupId]);

  const typed = useCallback(() => {
    if (!enabled) return;
    const now = Date.now();
    if (now - lastSent.current > REPEAT_MS) {
      lastSent.current = now;
      void call('messages.typing', { groupId, typing: true }).catch(() => undefined);
    }
    if (idleTimer.current !== undefined) clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stopped, IDLE_MS);
  }, [enabled, groupId, stopped]);

  useEffect(() => stopped, [stopped]);
  return { typed, stopped };
}
