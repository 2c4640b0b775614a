import { createContext, useContext, useSyncExternalStore } from 'react';
import { appReducer, INITIAL_STATE, type AppAction, type AppState } from './app-state';

/**
 * A tiny external store (reducer + subscribers) read through useSyncExternalStore with selectors,
 * so a burst of core events re-renders only the components whose slice changed.
 */
export class AppStore {
  private state: AppState = INITIAL_STATE;
  private readonly listeners = new Set<() => void>();

  getState = (): AppState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch = (action: AppAction): void => {
    const next = appReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l();
  };
}

export const AppStoreContext = createContext<AppStore | null>(null);

export function useAppStore(): AppStore {
  const store = useContext(AppStoreContext);
  if (store === null) throw new Error('useAppStore outside AppStoreContext');
  return store;
}

/** Reads a slice of the app state; the selector must return a stable value for unchanged state. */
export function useAppState<T>(selector: (state: AppState) => T): T {
  const store = useAppStore();
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}
