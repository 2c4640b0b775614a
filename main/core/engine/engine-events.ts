import type { GroupView, IdentityView, InvitationView, MessageView, SendState } from '../../../shared/domain/views.js';

/** Everything the engine tells its host. Payloads are plain data (they cross IPC and WebSockets). */
export interface EngineEvents {
  /** The profile got its identity (created or restored): the host can connect now. */
  identity: IdentityView;
  /** A message was stored (received, or written by us). */
  message: MessageView;
  /** A message's send state moved forward. */
  'send-state': { groupId: string; messageId: string; state: SendState };
  /** A group's name, members, epoch or our state in it changed. */
  group: GroupView;
  /** An invitation arrived or was answered. */
  invitation: InvitationView & { state: 'pending' | 'accepted' | 'declined' | 'stale' };
  typing: { groupId: string; userId: string; typing: boolean; at: number };
  receipt: { groupId: string; messageId: string; reader: string; readAt: number };
  pin: { groupId: string; messageId: string; pinned: boolean; by: string; at: number };
  /** File chunks arrived (progress) or the file became complete. */
  file: { groupId: string; hash: string; have: number; total: number; complete: boolean };
  /** An envelope was refused; `reason` is a stable code, counted in drop_counts. */
  dropped: { reason: string; groupId?: string; sender?: string; type?: string };
  /** New envelopes wait in the outbox (the session layer drains it). */
  outbox: { groupId: string };
  /** An ephemeral envelope (typing) to publish now, best effort, never stored. */
  ephemeral: { groupId: string; slimName: string; bytes: Uint8Array };
  /** A secret for an epoch this device lacked became available (sealed mode). */
  secret: { groupId: string; epoch: number };
}
