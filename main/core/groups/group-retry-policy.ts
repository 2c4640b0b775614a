import type { RetryPolicyView } from '../../../shared/domain/retry-policy.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { retryPolicyPatchSchema, type RetryPolicyPatch } from '../../../shared/ipc/retry-policy-schema.js';
import type { EngineContext } from '../kernel/engine-context.js';

/**
 * Seed 000's max_retries and timeout per session, stored with the group on this device so they still
 * govern its retries after a restart. Every door (IPC, SDK, CLI) ends here, so the bounds are checked
 * once more whoever calls.
 */
export function parseRetryPolicy(patch: unknown): RetryPolicyPatch {
  const parsed = retryPolicyPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KizunaError('RETRY_POLICY_INVALID', undefined, { field: issue?.path.join('.') ?? '', problem: issue?.message ?? '' });
  }
  return parsed.data;
}

/** The group's own policy (null fields follow the session layer's values). */
export function storedRetryPolicy(ctx: EngineContext, groupId: Uint8Array): RetryPolicyView {
  const row = ctx.store.read.retryPolicies.get(groupId);
  return { maxRetries: row?.maxRetries ?? null, timeoutMs: row?.timeoutMs ?? null };
}

/** Applies a checked change: a field left out stays, null returns it to the layer's value. */
export function storeRetryPolicy(ctx: EngineContext, groupId: Uint8Array, patch: RetryPolicyPatch): RetryPolicyView {
  const now = storedRetryPolicy(ctx, groupId);
  const next: RetryPolicyView = {
    maxRetries: patch.maxRetries === undefined ? now.maxRetries : patch.maxRetries,
    timeoutMs: patch.timeoutMs === undefined ? now.timeoutMs : patch.timeoutMs,
  };
  ctx.store.write.retryPolicies.put(groupId, next);
  return next;
}
