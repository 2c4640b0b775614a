import type { z } from 'zod';
import type { ConnectionStatus, Settings, settingsPatchSchema } from '../../shared/ipc/ipc-contract.js';
import type { Engine } from '../core/engine/engine.js';
import type { SlimSessionsHost } from './slim-sessions/slim-sessions-host.js';

/**
 * What every host (the desktop worker, the browser host, the CLI) runs: one profile's engine plus
 * its connection to SLIM (session layer) and its settings. Requests from the UI reach it through
 * `dispatchRequest`; its events reach the UI through `forwardEvents`.
 */
export interface KizunaCore {
  readonly engine: Engine;
  connectionStatus(): ConnectionStatus;
  onConnection(listener: (status: ConnectionStatus) => void): () => void;
  /** Members of a group heard from lately (user ids), from the session layer's heartbeats. */
  onlineMembers(groupId: string): string[];
  onPresence(listener: (change: { groupId: string; userId: string; online: boolean }) => void): () => void;
  getSettings(): Settings;
  /** SLIM's own group sessions: SLIM apps' invitations, with the person's consent, and chats in them. */
  readonly slimSessions: SlimSessionsHost;
  updateSettings(patch: z.output<typeof settingsPatchSchema>): Promise<Settings>;
  close(): Promise<void>;
}
