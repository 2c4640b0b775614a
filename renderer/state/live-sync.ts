import type { GroupView } from '../../shared/domain/views';
import { call, subscribe } from '../api/kizuna-client';
import type { FileProgress } from './app-state';
import type { AppStore } from './app-store';

/** How long a typing indicator lasts without a refresh; senders repeat it every few seconds. */
export const TYPING_TTL_MS = 6_000;
/** Group and file events can arrive thousands a second while syncing; they are applied in batches. */
const FLUSH_MS = 50;

/**
 * Keeps the app store live from the core's events. Group and file events are coalesced per flush
 * (the newest view of each group wins), so a sync storm costs one render per flush, not one per event.
 */
export function startLiveSync(store: AppStore): () => void {
  const pendingGroups = new Map<string, GroupView>();
  const staleGroups = new Set<string>();
  const pendingFiles: Record<string, FileProgress> = {};
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let typingTimer: ReturnType<typeof setInterval> | undefined;

  const flush = (): void => {
    flushTimer = undefined;
    if (pendingGroups.size > 0) {
      store.dispatch({ type: 'groups-upserted', groups: [...pendingGroups.values()] });
      pendingGroups.clear();
    }
    if (Object.keys(pendingFiles).length > 0) {
      store.dispatch({ type: 'files-progressed', files: { ...pendingFiles } });
      for (const k of Object.keys(pendingFiles)) delete pendingFiles[k];
    }
    // Our own sends change a group's last message without a group event; fetch those views.
    for (const groupId of staleGroups) {
      call('groups.get', { groupId }).then(
        (g) => store.dispatch({ type: 'groups-upserted', groups: [g] }),
        () => undefined,
      );
    }
    staleGroups.clear();
  };
  const schedule = (): void => {
    flushTimer ??= setTimeout(flush, FLUSH_MS);
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
      pendingGroups.set(g.groupId, g);
      staleGroups.delete(g.groupId);
      schedule();
    }),
    subscribe('message', (m) => {
      if (m.isMine && !pendingGroups.has(m.groupId)) {
        staleGroups.add(m.groupId);
        schedule();
      }
      // A message from someone ends their typing indicator.
      if (!m.isMine) store.dispatch({ type: 'typing', groupId: m.groupId, userId: m.sender, until: null });
    }),
    subscribe('invitation', (inv) => {
      if (inv.state === 'pending') {
        const { state: _state, ...view } = inv;
        store.dispatch({ type: 'invitation-upserted', invitation: view });
      } else {
        store.dispatch({ type: 'invitation-removed', groupId: inv.groupId });
      }
    }),
    subscribe('typing', (ev) => {
      if (ev.userId === store.getState().identity?.userId) return;
      // The sender's clock is not ours: the indicator lives for TYPING_TTL_MS of local time.
      store.dispatch({ type: 'typing', groupId: ev.groupId, userId: ev.userId, until: ev.typing ? Date.now() + TYPING_TTL_MS : null });
      if (ev.typing) ensureTypingTimer();
    }),
    subscribe('file', (f) => {
      pendingFiles[f.hash] = { have: f.have, total: f.total, complete: f.complete };
      schedule();
    }),
    subscribe('connection', (c) => store.dispatch({ type: 'connection', connection: c })),
    // kizuna:// links and clicked notifications (desktop shell only). A contact link is never added
    // silently: it fills the "add contact" field and the user confirms.
    subscribe('deep-link', (link) => {
      if (link.kind === 'contact') store.dispatch({ type: 'contact-draft', card: link.card });
      else if (link.kind === 'group') store.dispatch({ type: 'open-group', groupId: link.groupId });
      else store.dispatch({ type: 'navigate', view: 'chats' });
    }),
  ];

  return () => {
    for (const off of offs) off();
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    if (typingTimer !== undefined) clearInterval(typingTimer);
  };
}
