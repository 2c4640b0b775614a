import { ERROR_SENTENCES, isErrorCode, type ErrorCode } from '../../shared/errors/error-codes';

/**
 * A refused request as the UI sees it. Bridges differ in how a rejection arrives (an Error with a
 * `code` from the preload, a plain serialised error from the browser host, or an Error wrapping
 * one in `cause`), so everything is normalised here once and screens only ever look at `code`.
 */
export class CallError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CallError';
    this.code = code;
    this.details = details;
  }
}

function fromShape(value: unknown): CallError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { code?: unknown; message?: unknown; details?: unknown; error?: unknown; cause?: unknown };
  if (isErrorCode(v.code)) {
    const details = typeof v.details === 'object' && v.details !== null ? (v.details as Record<string, unknown>) : undefined;
    return new CallError(v.code, typeof v.message === 'string' ? v.message : ERROR_SENTENCES[v.code], details);
  }
  return fromShape(v.error) ?? fromShape(v.cause);
}

export function toCallError(value: unknown): CallError {
  if (value instanceof CallError) return value;
  const shaped = fromShape(value);
  if (shaped !== undefined) return shaped;
  // Electron flattens rejected errors to "Error invoking remote method …: <message>"; a JSON tail
  // holding the serialised error is still worth a look before giving up.
  if (value instanceof Error) {
    const json = value.message.match(/\{.*\}$/s)?.[0];
    if (json !== undefined) {
      try {
        const parsed = fromShape(JSON.parse(json));
        if (parsed !== undefined) return parsed;
      } catch {
        // not JSON after all
      }
    }
    return new CallError('INTERNAL', value.message);
  }
  return new CallError('INTERNAL', ERROR_SENTENCES.INTERNAL);
}
