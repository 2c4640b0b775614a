import { useEffect, useSyncExternalStore } from 'react';
import type { SlimSessionsState } from '../../../shared/domain/slim-session-views';
import { call, subscribe } from '../../api/kizuna-client';
import { useAppState, useAppStore } from '../../state/app-store';

/**
 * The renderer's copy of the core's SLIM-session state (one snapshot, replaced on every
 * `slim-sessions` event) and which SLIM session is open. Kept apart from the app store: SLIM sessions
 * are not Kizuna groups, and the app store belongs to the Kizuna chat views.
 */
interface SlimUi {
  state: SlimSessionsState;
  openSessionId: number | null;
}

const EMPTY: SlimSessionsState = { name: null, listening: false, error: null, invitations: [], sessions: [] };
let current: SlimUi = { state: EMPTY, openSessionId: null };
const listeners = new Set<() => void>();
let started = false;

function set(next: Partial<SlimUi>): void {
  current = { ...current, ...next };
  for (const l of listeners) l();
}

/** Replaces the state with the core's answer to a SLIM request (each returns the new state). */
export function setSlimState(state: SlimSessionsState): void {
  set({ state });
}

function start(): void {
  if (started) return;
  started = true;
  subscribe('slim-sessions', (state) => set({ state }));
  // A host without SLIM sessions (or a call that failed) leaves the empty state: the section stays hidden.
  call('slim.state', {}).then(
    (state) => set({ state }),
    () => undefined,
  );
}

function subscribeStore(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSlimUi(): SlimUi {
  return useSyncExternalStore(subscribeStore, () => current);
}

/** Opens a SLIM session in the main pane (closing the open Kizuna chat). */
export function useOpenSlimSession(): (sessionId: number) => void {
  const store = useAppStore();
  return (sessionId) => {
    store.dispatch({ type: 'open-group', groupId: null });
    set({ openSessionId: sessionId });
  };
}

/** The open SLIM session's id; opening a Kizuna chat closes it. */
export function useOpenSlimSessionId(): number | null {
  const openGroupId = useAppState((s) => s.openGroupId);
  const { openSessionId } = useSlimUi();
  useEffect(() => {
    if (openGroupId !== null && current.openSessionId !== null) set({ openSessionId: null });
  }, [openGroupId]);
  return openGroupId === null ? openSessionId : null;
}
