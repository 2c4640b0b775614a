import { useEffect, useRef } from 'react';
import type { EventName, EventPayloads } from '../../shared/ipc/ipc-contract';
import { subscribe } from './kizuna-client';

/**
 * Subscribes a component to one core event for as long as it is mounted. The listener is read
 * through a ref so that a new closure on every render does not unsubscribe and resubscribe.
 */
export function useKizunaEvent<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe(event, (payload) => latest.current(payload)), [event]);
}
