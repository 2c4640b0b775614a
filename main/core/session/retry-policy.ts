import { toBase64Url } from '../encoding/base64url.js';
import type { SessionOptions } from './session-options.js';

export type RetryPolicy = Pick<SessionOptions, 'maxRetries' | 'ackTimeoutMs'>;

/**
 * Seed 000's max_retries and timeout are per session: a group tuned with its own (SDK createSession,
 * CLI flags) uses them, every other group the layer's. Kept in memory for this run of the layer.
 */
export function retryPolicy(options: SessionOptions, groupId: Uint8Array): RetryPolicy {
  const own = options.perGroup?.get(toBase64Url(groupId));
  return { maxRetries: own?.maxRetries ?? options.maxRetries, ackTimeoutMs: own?.ackTimeoutMs ?? options.ackTimeoutMs };
}

/** Sets one group's own policy (fields not given keep following the layer's). */
export function tuneGroup(options: SessionOptions, groupId: string, policy: Partial<RetryPolicy>): void {
  const perGroup = (options.perGroup ??= new Map());
  perGroup.set(groupId, { ...perGroup.get(groupId), ...policy });
}
