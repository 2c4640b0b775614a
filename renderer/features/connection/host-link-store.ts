import { useSyncExternalStore } from 'react';
import { watchHostLink } from '../../api/kizuna-client';

/**
 * Whether the UI can reach the process holding the profile (the bridge's heartbeat), and how many
 * times it came back: screens keyed on `epoch` mount afresh after a return, so what they show is read
 * again from the (possibly restarted) core rather than trusted from before the gap.
 */
export interface HostLinkState {
  up: boolean;
  epoch: number;
}

let current: HostLinkState = { up: true, epoch: 0 };
const listeners = new Set<() => void>();

function set(next: HostLinkState): void {
  current = next;
  for (const l of [...listeners]) l();
}

/** Starts following the link; `onReturned` runs each time it comes back after being down. */
export function startHostLink(onReturned: () => void): () => void {
  return watchHostLink((up) => {
    if (up === current.up) return;
    const returned = up && !current.up;
    set({ up, epoch: returned ? current.epoch + 1 : current.epoch });
    if (returned) onReturned();
  });
}

function subscribeStore(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useHostLink(): HostLinkState {
  return useSyncExternalStore(subscribeStore, () => current);
}
