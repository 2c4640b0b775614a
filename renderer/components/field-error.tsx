import { useI18n } from '../i18n/i18n-context';
import type { FieldProblem } from './use-field-errors';

/**
 * The message shown right under the field it concerns. Its id is what the field names in
 * aria-describedby, so a screen reader reads it with the field (and tests find it that way).
 */
export function FieldError({ id, problem }: { id: string; problem: FieldProblem | undefined }) {
  const { t, errorText } = useI18n();
  if (problem === undefined) return null;
  const text = 'code' in problem ? errorText(problem.code) : t(problem.key);
  return (
    <p id={id} className="field-error" role="alert" data-code={'code' in problem ? problem.code : undefined}>
      {text}
    </p>
  );
}

/** aria attributes for a field that may carry an error and a hint. */
export function describedBy(errorId: string, problem: FieldProblem | undefined, hintId?: string) {
  const ids = [problem === undefined ? undefined : errorId, hintId].filter((x): x is string => x !== undefined);
  return {
    'aria-invalid': problem === undefined ? undefined : true,
    'aria-describedby': ids.length === 0 ? undefined : ids.join(' '),
  } as const;
}
