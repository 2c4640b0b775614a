import { subscribe } from '../api/kizuna-client';
import { reloadPeople } from './app-loader';
import type { AppAction } from './app-state';
import type { AppStore } from './app-store';
import { LiveSyncBatch, deepLinkAction, invitationAction, typingAction, typingEndedBy } from './live-sync-rules';

/** Group and file events are applied in batches, at most one per this many ms. */
const FLUSH_MS = 50;

/**
 * Keeps the app store live from the core's events (the rules are in live-sync-rules.ts). Group and
 * file events are coalesced per flush, so a sync storm costs one render per flush, not one per event.
 */
export function startLiveSync(store: AppStore): () => void {
  const batch = new LiveSyncBatch();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let typingTimer: ReturnType<typeof setInterval> | undefined;
  const dispatch = (action: AppAction | null): void => {
    if (action !== null) store.dispatch(action);
  };

  const flush = (): void => {
    flushTimer = undefined;
    for (const action of batch.take()) store.dispatch(action);
  };
  const schedule = (): void => {
    if (!batch.isEmpty) flushTimer ??= setTimeout(flush, FLUSH_MS);
  };

  const ensureTypingTimer = (): void => {
    typingTimer ??= setInterval(() => {
      store.dispatch({ type: 'typing-expired', now: Date.now() });
      const anyone = Object.values(store.getState().typing).some((users) => Object.keys(users).length > 0);
      if (!anyone && typingTimer !== undefined) {
        clearInterval(typingTimer);
        typingTimer = undefined;
      }
    }, 1_000);
  };

  const offs = [
    subscribe('group', (g) => {
      batch.group(g);
      schedule();
    }),
    subscribe('group-activity', (a) => {
      batch.groupActivity(a);
      schedule();
    }),
    subscribe('presence', (p) => {
      batch.presence(p);
      schedule();
    }),
    subscribe('message', (m) => dispatch(typingEndedBy(m))),
    subscribe('invitation', (inv) => store.dispatch(invitationAction(inv))),
    subscribe('typing', (ev) => {
      const action = typingAction(ev, store.getState().identity?.userId, Date.now());
      dispatch(action);
      if (action !== null && ev.typing) ensureTypingTimer();
    }),
    subscribe('file', (f) => {
      batch.file(f);
      schedule();
    }),
    subscribe('connection', (c) => store.dispatch({ type: 'connection', connection: c })),
    subscribe('deep-link', (link) => store.dispatch(deepLinkAction(link))),
    subscribe('contact', () => void reloadPeople(store)),
  ];

  return () => {
    for (const off of offs) off();
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    if (typingTimer !== undefined) clearInterval(typingTimer);
  };
}
