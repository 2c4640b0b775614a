import { useEffect, useState, useSyncExternalStore } from 'react';
import { call, subscribe } from '../../api/kizuna-client';
import { SearchSession, type SearchSnapshot } from './search-session';

/** Long enough to skip the keystrokes of a word being typed, short enough to feel immediate. */
const PAUSE_MS = 250;
const LIMIT = 100;

export type SearchAsYouType = SearchSnapshot;

/**
 * Searches every chat for `text` as it changes (see search-session.ts); earlier results stay shown
 * until newer ones arrive, and messages the core retracts leave them while the panel is open.
 */
export function useSearchAsYouType(text: string): SearchAsYouType {
  const [session] = useState(() => new SearchSession({ delayMs: PAUSE_MS, run: (t) => call('messages.search', { text: t, limit: LIMIT }) }));

  useEffect(() => {
    session.type(text);
  }, [session, text]);
  useEffect(() => {
    const off = subscribe('messages-retracted', (e) => session.onRetracted(e.messageIds));
    return () => {
      off();
      session.stop();
    };
  }, [session]);

  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}
