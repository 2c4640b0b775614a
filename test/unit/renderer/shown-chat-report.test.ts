import { describe, expect, it } from 'vitest';
import { appReducer, INITIAL_STATE, type AppAction, type AppState } from '../../../renderer/state/app-state';
import { reportShownChat } from '../../../renderer/state/shown-chat-report';

/** The app store's contract (reducer + subscribers) over the real reducer. */
function store(initial: AppState = INITIAL_STATE) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    dispatch: (a: AppAction) => {
      state = appReducer(state, a);
      for (const l of listeners) l();
    },
  };
}

describe('telling the host which chat is on screen', () => {
  it('reports each change once: opening chats, switching views, closing', () => {
    const s = store();
    const reported: (string | null)[] = [];
    const stop = reportShownChat(s, (g) => reported.push(g));
    s.dispatch({ type: 'open-group', groupId: 'g1' });
    expect(reported).toEqual([]); // not before the app is ready
    s.dispatch({ type: 'boot', boot: 'ready' });
    s.dispatch({ type: 'open-group', groupId: 'g1' });
    s.dispatch({ type: 'panel', panel: 'search' });
    s.dispatch({ type: 'open-group', groupId: 'g2' });
    s.dispatch({ type: 'navigate', view: 'settings' });
    s.dispatch({ type: 'navigate', view: 'contacts' });
    s.dispatch({ type: 'navigate', view: 'chats' });
    s.dispatch({ type: 'open-group', groupId: null });
    stop();
    s.dispatch({ type: 'open-group', groupId: 'g3' });
    expect(reported).toEqual(['g1', 'g2', null, 'g2', null]);
  });

  it('starts from what is on screen when it starts', () => {
    const s = store({ ...INITIAL_STATE, boot: 'ready', openGroupId: 'g7' });
    const reported: (string | null)[] = [];
    reportShownChat(s, (g) => reported.push(g));
    expect(reported).toEqual(['g7']);
  });
});
