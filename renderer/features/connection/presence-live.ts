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

/**
 * Whether a member is shown online. We are online exactly while presence is live (connected); the others
 * while presence is live and the core heard from them lately (their `online` mark, moved by `presence`
 * events). Our own mark in a view is not used: it is as the connection was when the view was made, and a
 * view fetched while offline would keep saying so after we reconnected.
 */
export function shownOnline(member: { isSelf: boolean; online?: boolean }, live: boolean): boolean {
  return live && (member.isSelf || member.online === true);
}

export function usePresenceLive(): boolean {
  const hostUp = useHostLink().up;
  const connection = useAppState((s) => s.connection);
  return presenceIsLive(hostUp, connection);
}
