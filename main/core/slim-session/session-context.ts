/** What a SLIM session (participant or moderator) needs from the endpoint that carries it. */
import type { SlimName } from '../../../shared/domain/slim-name.js';
import type { WireMessage, WireName } from '../transport/slim-wire-types.js';
import type { SlimMemberIdentity } from './slim-member-identity.js';

export interface SessionContext {
  readonly identity: SlimMemberIdentity;
  /** Our full name (with our id), the source of everything we send. */
  readonly me: WireName;
  send(frame: WireMessage): void;
  subscribe(name: SlimName): Promise<void>;
  unsubscribe(name: SlimName): Promise<void>;
  /** The session ended (`forget`: for good, not just closed locally before a restart). */
  ended(sessionId: number, forget: boolean): void;
  /** How often members send a heartbeat when idle (SLIM: 10 s). */
  readonly heartbeatMs: number;
  /** The session's durable state changed (joined, roster, our last data id): the endpoint may persist it. */
  changed(): void;
}

/** SLIM's reliability settings, from JOIN_REQUEST's timer_settings (absent: unreliable, no acks). */
export interface TimerSettings {
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

export const DEFAULT_TIMER: TimerSettings = { timeoutMs: 1000, maxRetries: 10 };
/** Members send a heartbeat this often unless other traffic went out (SLIM's HEARTBEAT_INTERVAL). */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** SLIM's epoch value for a group without MLS. */
export const NO_MLS_EPOCH = (1n << 64n) - 1n;
