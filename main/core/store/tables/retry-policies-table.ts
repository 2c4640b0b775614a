import type { Prepare } from '../statement-cache.js';

/** A group's own retry policy; null fields follow the session layer's values. */
export interface RetryPolicyRow {
  maxRetries: number | null;
  timeoutMs: number | null;
}

export interface RetryPoliciesReader {
  get(groupId: Uint8Array): RetryPolicyRow | undefined;
}

export interface RetryPoliciesWriter {
  /** Stores the group's policy; both null removes it (the group follows the layer again). */
  put(groupId: Uint8Array, policy: RetryPolicyRow): void;
}

export function retryPoliciesReader(prepare: Prepare): RetryPoliciesReader {
  return {
    get: (g) => prepare('SELECT max_retries AS maxRetries, timeout_ms AS timeoutMs FROM group_retry_policies WHERE group_id = ?').get(g) as RetryPolicyRow | undefined,
  };
}

export function retryPoliciesWriter(prepare: Prepare): RetryPoliciesWriter {
  return {
    put: (g, p) => {
      if (p.maxRetries === null && p.timeoutMs === null) {
        prepare('DELETE FROM group_retry_policies WHERE group_id = ?').run(g);
        return;
      }
      prepare(
        `INSERT INTO group_retry_policies (group_id, max_retries, timeout_ms) VALUES (?, ?, ?)
         ON CONFLICT (group_id) DO UPDATE SET max_retries = excluded.max_retries, timeout_ms = excluded.timeout_ms`,
      ).run(g, p.maxRetries, p.timeoutMs);
    },
  };
}
