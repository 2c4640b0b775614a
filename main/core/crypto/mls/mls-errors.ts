import type { ErrorCode } from '../../../../shared/errors/error-codes.js';
import { KizunaError } from '../../../../shared/errors/kizuna-error.js';

/**
 * Turns whatever ts-mls (or a malformed input deep inside it) threw into a KizunaError with `code`.
 * A KizunaError passes through. ts-mls messages name the failed check and never carry key material,
 * so they go into `details.reason` for logs; the person sees the sentence of the code.
 */
export function toMlsError(error: unknown, code: ErrorCode, details?: Record<string, unknown>): KizunaError {
  if (error instanceof KizunaError) return error;
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown';
  return new KizunaError(code, undefined, { ...details, reason }, { cause: error });
}

/** Runs an MLS step and maps anything it throws with toMlsError. */
export async function guardMls<T>(code: ErrorCode, step: () => Promise<T>, details?: Record<string, unknown>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw toMlsError(error, code, details);
  }
}

/** Synchronous twin of guardMls, for decoders. */
export function guardMlsSync<T>(code: ErrorCode, step: () => T, details?: Record<string, unknown>): T {
  try {
    return step();
  } catch (error) {
    throw toMlsError(error, code, details);
  }
}
