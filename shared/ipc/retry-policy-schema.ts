import { z } from 'zod';
import { RETRY_LIMITS } from '../domain/retry-policy.js';

const { maxRetries, timeoutMs } = RETRY_LIMITS;

/**
 * A change to a group's retry policy: a field left out stays as it is, null returns it to the app's
 * own value. Used by the IPC contract and by the engine itself (the SDK and CLI call it directly).
 */
export const retryPolicyPatchSchema = z
  .object({
    maxRetries: z.number().int().min(maxRetries.min).max(maxRetries.max).nullable().optional(),
    timeoutMs: z.number().int().min(timeoutMs.min).max(timeoutMs.max).nullable().optional(),
  })
  .strict();
export type RetryPolicyPatch = z.infer<typeof retryPolicyPatchSchema>;
