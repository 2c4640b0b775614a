import type { GroupView } from '../../shared/domain/views';
import type { AppAction } from './app-state';
import type { StateSource } from './shown-chat-report';

/** The part of the app store this needs (a pure module: tested without React or a host). */
export interface DispatchingSource extends StateSource {
  dispatch(action: AppAction): void;
}

/**
 * Opens the kept chat when a merged direct chat (issue 11) is opened by its id after a restart. The
 * renderer learns merges from group events, and `groups.list` leaves merged chats out, so after a
 * restart a link, notification or search result naming a merged chat would open nothing. An open id
 * the list does not hold is asked for once (`groups.get` still answers a merged chat, naming the kept
 * one); a merged view goes through the reducer, which remembers the merge and opens the kept chat.
 */
export function followMergedChats(store: DispatchingSource, get: (groupId: string) => Promise<GroupView>): () => void {
  const asked = new Set<string>();
  const check = (): void => {
    const s = store.getState();
    // Before the first load every id is unknown: wait until the list is in.
    if (s.boot !== 'ready' || s.openGroupId === null) return;
    const id = s.openGroupId;
    if (id in s.groups || id in s.mergedChats || asked.has(id)) return;
    asked.add(id);
    get(id).then(
      (view) => {
        if (view.mergedInto !== null) store.dispatch({ type: 'groups-upserted', groups: [view] });
      },
      // Unknown (deleted, or never ours): the empty chat pane says so already.
      () => undefined,
    );
  };
  check();
  return store.subscribe(check);
}
