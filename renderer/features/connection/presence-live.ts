import type { ConnectionStatus } from '../../../shared/ipc/ipc-contract';
import { useAppState } from '../../state/app-store';
import { useHostLink } from './host-link-store';

/**
 * Whether anyone may be shown online: only while the core answers (host link up) and is connected to
 * SLIM. Otherwise the presence we hold is old news, and the banner says we are offline; the member
 * list must not contradict it.
 */
export function presenceIsLive(hostUp: boolean, connection: ConnectionStatus | null): boolean {
  return hostUp && (connection?.state === 'online' || connection?.state === 'syncing');
}

export function usePresenceLive(): boolean {
  const hostUp = useHostLink().up;
  const connection = useAppState((s) => s.connection);
  return presenceIsLive(hostUp, connection);
}
