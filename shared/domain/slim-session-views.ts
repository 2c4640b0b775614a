/**
 * What the UI sees of SLIM's own group sessions (issue 10): SLIM apps' invitations waiting for the
 * person's answer, and the sessions joined, with their text. One snapshot, pushed whole on every change
 * (a profile has a handful of SLIM sessions, each with a bounded message list).
 */

/** An invitation into a SLIM session. `state`: waiting for an answer, or too late (SLIM's moderator gave up). */
export interface SlimInvitationView {
  sessionId: number;
  /** org/ns/app of the inviting moderator. */
  moderator: string;
  /** The identity the moderator's token proves (verified with the shared secret). */
  moderatorIdentity: string;
  mls: boolean;
  /** When SLIM's moderator stops waiting (ms since the epoch). */
  expiresAt: number;
  state: 'pending' | 'joining' | 'expired';
}

export interface SlimMessageView {
  /** Local order within the session. */
  seq: number;
  /** org/ns/app of the sender (ours for our own messages). */
  source: string;
  mine: boolean;
  text: string;
  at: number;
  /** Ours only: acked by every member, still being re-sent, or given up by SLIM's retries. */
  state: 'sending' | 'sent' | 'failed' | null;
}

export interface SlimSessionView {
  sessionId: number;
  moderator: string;
  moderatorIdentity: string;
  mls: boolean;
  members: string[];
  /** Why the session ended, or null while it runs. */
  ended: 'removed' | 'closed' | 'left' | null;
  messages: SlimMessageView[];
  lastActivityAt: number;
}

export interface SlimSessionsState {
  /** Our SLIM name (org/ns/app) once SLIM sessions are set up, else null. */
  name: string | null;
  /** Listening for invitations on the node. */
  listening: boolean;
  /** Why listening failed, if it did. */
  error: string | null;
  invitations: SlimInvitationView[];
  sessions: SlimSessionView[];
}
