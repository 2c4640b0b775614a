import type { AppState } from './app-state';

/** The chat on screen: the open group while the chats view is up, otherwise none. */
export function shownChat(state: AppState): string | null {
  return state.boot === 'ready' && state.view === 'chats' ? state.openGroupId : null;
}

/** The part of the app store this needs (a pure module: tested without React or a host). */
export interface StateSource {
  getState(): AppState;
  subscribe(listener: () => void): () => void;
}

/**
 * Tells the host every time the chat on screen changes (`ui.setOpenChat`): the desktop shell keeps
 * that chat's notifications quiet while the window has focus. It starts from "none", as the host does.
 */
export function reportShownChat(store: StateSource, report: (groupId: string | null) => void): () => void {
  let reported: string | null = null;
  const check = (): void => {
    const now = shownChat(store.getState());
    if (now === reported) return;
    reported = now;
    report(now);
  };
  check();
  return store.subscribe(check);
}
