import type { RetryPolicyView } from '../../../shared/domain/retry-policy.js';
import { toBase64Url } from '../encoding/base64url.js';
import type { SessionOptions } from './session-options.js';

export type RetryPolicy = Pick<SessionOptions, 'maxRetries' | 'ackTimeoutMs'>;

/**
 * Seed 000's max_retries and timeout are per session. For each field, in order: the group's
 * run-only override (`SessionLayer.tune(..., groupId)`), the group's stored policy (set at creation
 * or later through the engine, so it outlives a restart), then the layer's own value.
 */
export function retryPolicy(options: SessionOptions, groupId: Uint8Array, stored?: RetryPolicyView): RetryPolicy {
  const own = options.perGroup?.get(toBase64Url(groupId));
  return {
    maxRetries: own?.maxRetries ?? stored?.maxRetries ?? options.maxRetries,
    ackTimeoutMs: own?.ackTimeoutMs ?? stored?.timeoutMs ?? options.ackTimeoutMs,
  };
}

/** Sets one group's own policy for this run (fields not given keep following the stored policy or the layer's). */
export function tuneGroup(options: SessionOptions, groupId: string, policy: Partial<RetryPolicy>): void {
  const perGroup = (options.perGroup ??= new Map());
  perGroup.set(groupId, { ...perGroup.get(groupId), ...policy });
}
