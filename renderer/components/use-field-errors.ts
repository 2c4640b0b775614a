import { useCallback, useState } from 'react';
import type { ErrorCode } from '../../shared/errors/error-codes';
import { toCallError } from '../api/call-error';
import type { StringKey } from '../i18n/strings-en';

/** A problem to show beside a field: a core error code, or one of the UI's own checks. */
export type FieldProblem = { code: ErrorCode } | { key: StringKey };

export interface FieldErrors<F extends string> {
  problem(field: F | 'form'): FieldProblem | undefined;
  /** Routes a refused request to the field it concerns (or to `fallback`, the form by default). */
  showError(error: unknown, fallback?: F | 'form'): void;
  setProblem(field: F | 'form', problem: FieldProblem | undefined): void;
  clear(): void;
}

/**
 * Which core error codes belong to which field of a form. `inputFields` maps the `field` that an
 * INVALID_INPUT error names (the schema path, e.g. "name") to a field of the form.
 */
export function useFieldErrors<F extends string>(
  codesByField: Record<F, readonly ErrorCode[]>,
  inputFields: Partial<Record<string, F>> = {},
): FieldErrors<F> {
  const [problems, setProblems] = useState<Partial<Record<F | 'form', FieldProblem>>>({});

  const fieldOf = (code: ErrorCode, details: Record<string, unknown> | undefined, fallback: F | 'form'): F | 'form' => {
    for (const [field, codes] of Object.entries(codesByField) as [F, readonly ErrorCode[]][]) {
      if (codes.includes(code)) return field;
    }
    if (code === 'INVALID_INPUT' && typeof details?.field === 'string') {
      const top = details.field.split('.')[0] ?? '';
      const mapped = inputFields[top];
      if (mapped !== undefined) return mapped;
    }
    return fallback;
  };

  const showError = (error: unknown, fallback: F | 'form' = 'form'): void => {
    const e = toCallError(error);
    setProblems({ [fieldOf(e.code, e.details, fallback)]: { code: e.code } } as Partial<Record<F | 'form', FieldProblem>>);
  };

  const setProblem = useCallback((field: F | 'form', problem: FieldProblem | undefined) => {
    setProblems((current) => {
      const next = { ...current };
      if (problem === undefined) delete next[field];
      else next[field] = problem;
      return next;
    });
  }, []);

  return {
    problem: (field) => problems[field],
    showError,
    setProblem,
    clear: () => setProblems({}),
  };
}
