/**
 * Seed 000's max_retries and timeout for one session (group): how often a message not yet acked by
 * every member is published again, and how many times. Null follows the app's own setting.
 */
export interface RetryPolicyView {
  maxRetries: number | null;
  timeoutMs: number | null;
}

/** The bounds every side checks (UI fields, IPC schema, engine, SDK, CLI). */
export const RETRY_LIMITS = {
  maxRetries: { min: 0, max: 100 },
  timeoutMs: { min: 100, max: 600_000 },
} as const;

/** The session layer's own values when a group sets none (seed 000's defaults). */
export const DEFAULT_RETRY_POLICY = { maxRetries: 5, timeoutMs: 5_000 } as const;
