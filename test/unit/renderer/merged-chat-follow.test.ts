import { describe, expect, it } from 'vitest';
import type { GroupView } from '../../../shared/domain/views';
import { AppStore } from '../../../renderer/state/app-store';
import { followMergedChats } from '../../../renderer/state/merged-chat-follow';
import { group } from './view-fixtures';

/** What the host's groups.get answers after a restart: g2 was merged into g1; g9 is unknown. */
function host(): { asked: string[]; get: (groupId: string) => Promise<GroupView> } {
  const asked: string[] = [];
  const views: Record<string, GroupView> = { g1: group('g1', { direct: true }), g2: group('g2', { direct: true, mergedInto: 'g1' }), g3: group('g3') };
  return {
    asked,
    get: (groupId) => {
      asked.push(groupId);
      const view = views[groupId];
      return view === undefined ? Promise.reject(new Error('GROUP_NOT_FOUND')) : Promise.resolve(view);
    },
  };
}

/** Resolves once the open chat is `groupId` (the store's own event, no timer). */
function opened(store: AppStore, groupId: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (store.getState().openGroupId !== groupId) return;
      stop();
      resolve();
    };
    const stop = store.subscribe(check);
    check();
  });
}

describe('opening a merged direct chat by its id after a restart (issue 11)', () => {
  it('asks the host about an unlisted open chat and opens the one it was merged into', async () => {
    const store = new AppStore();
    const h = host();
    followMergedChats(store, h.get);
    // A restart: the list (which leaves merged chats out) knows g1 and g3 only, and no merges.
    store.dispatch({ type: 'groups-loaded', groups: [group('g1', { direct: true }), group('g3')] });
    store.dispatch({ type: 'open-group', groupId: 'g2' });
    expect(h.asked).toEqual([]); // not before the app is ready
    store.dispatch({ type: 'boot', boot: 'ready' });
    await opened(store, 'g1');
    expect(store.getState().mergedChats).toEqual({ g2: 'g1' });
    expect(Object.keys(store.getState().groups)).toEqual(['g1', 'g3']);
    // Known from now on: opening it again goes straight to the kept chat, without asking.
    store.dispatch({ type: 'open-group', groupId: 'g3' });
    store.dispatch({ type: 'open-group', groupId: 'g2' });
    expect(store.getState().openGroupId).toBe('g1');
    expect(h.asked).toEqual(['g2']);
  });

  it('asks nothing for listed chats, and only once for an unknown one', async () => {
    const store = new AppStore();
    const h = host();
    store.dispatch({ type: 'groups-loaded', groups: [group('g1'), group('g3')] });
    store.dispatch({ type: 'boot', boot: 'ready' });
    store.dispatch({ type: 'open-group', groupId: 'g9' });
    followMergedChats(store, h.get); // starts from the chat already open
    store.dispatch({ type: 'open-group', groupId: 'g1' });
    store.dispatch({ type: 'open-group', groupId: 'g9' });
    store.dispatch({ type: 'open-group', groupId: 'g3' });
    expect(h.asked).toEqual(['g9']);
    await Promise.allSettled([h.get('g9')]);
    expect(store.getState().openGroupId).toBe('g3');
  });
});
