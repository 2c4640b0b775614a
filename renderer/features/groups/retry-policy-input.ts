import { RETRY_LIMITS, type RetryPolicyView } from '../../../shared/domain/retry-policy';
import type { StringKey } from '../../i18n/strings-en';

/** What the two fields hold as typed: retries, and the interval in seconds. Empty follows the app's value. */
export interface RetryFieldsText {
  retries: string;
  seconds: string;
}

export type RetryFieldsResult = { policy: RetryPolicyView } | { problems: Partial<Record<'retries' | 'interval', StringKey>> };

/**
 * Checks the fields against the same bounds the core enforces, so the person sees what is wrong next to
 * the field before anything is sent (the core checks again and would refuse the same values).
 */
export function parseRetryFields(text: RetryFieldsText): RetryFieldsResult {
  const problems: Partial<Record<'retries' | 'interval', StringKey>> = {};
  let maxRetries: number | null = null;
  let timeoutMs: number | null = null;
  const retries = text.retries.trim();
  if (retries !== '') {
    const n = Number(retries);
    if (!/^\d+$/.test(retries) || n < RETRY_LIMITS.maxRetries.min || n > RETRY_LIMITS.maxRetries.max) problems.retries = 'retry.retriesRange';
    else maxRetries = n;
  }
  const seconds = text.seconds.trim().replace(',', '.');
  if (seconds !== '') {
    const ms = Math.round(Number(seconds) * 1000);
    if (!/^\d+(\.\d+)?$/.test(seconds) || ms < RETRY_LIMITS.timeoutMs.min || ms > RETRY_LIMITS.timeoutMs.max) problems.interval = 'retry.intervalRange';
    else timeoutMs = ms;
  }
  return Object.keys(problems).length > 0 ? { problems } : { policy: { maxRetries, timeoutMs } };
}

/** The stored policy as the fields show it. */
export function retryFieldsText(policy: RetryPolicyView): RetryFieldsText {
  return { retries: policy.maxRetries === null ? '' : String(policy.maxRetries), seconds: policy.timeoutMs === null ? '' : String(policy.timeoutMs / 1000) };
}
