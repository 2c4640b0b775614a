import { ERROR_SENTENCES, isErrorCode, type ErrorCode } from './error-codes.js';

/** Plain-data form of an error, safe to send across IPC, WebSocket or a process boundary. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The one error class of Kizuna. `code` is stable and machine-readable; `message` is a sentence a
 * person understands; `details` carries structured context (never keys, secrets or plaintext).
 */
export class KizunaError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message ?? ERROR_SENTENCES[code], options);
    this.name = 'KizunaError';
    this.code = code;
    this.details = details;
  }

  toJSON(): SerializedError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromJSON(value: unknown): KizunaError {
    if (typeof value === 'object' && value !== null) {
      const v = value as { code?: unknown; message?: unknown; details?: unknown };
      if (isErrorCode(v.code)) {
        const details = typeof v.details === 'object' && v.details !== null ? (v.details as Record<string, unknown>) : undefined;
        return new KizunaError(v.code, typeof v.message === 'string' ? v.message : undefined, details);
      }
    }
    return new KizunaError('INTERNAL');
  }
}

export function isKizunaError(value: unknown, code?: ErrorCode): value is KizunaError {
  return value instanceof KizunaError && (code === undefined || value.code === code);
}

/** Wraps anything thrown into a KizunaError, keeping a KizunaError as it is. */
export function toKizunaError(value: unknown, fallback: ErrorCode = 'INTERNAL'): KizunaError {
  if (value instanceof KizunaError) return value;
  const message = value instanceof Error ? value.message : undefined;
  return new KizunaError(fallback, fallback === 'INTERNAL' ? undefined : message, undefined, { cause: value });
}
