import { DEFAULT_RETRY_POLICY } from '../../../shared/domain/retry-policy';
import { FieldError, describedBy } from '../../components/field-error';
import type { FieldProblem } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import type { RetryFieldsText } from './retry-policy-input';

/**
 * Seed 000's max_retries and timeout for one group: two fields, each with its own error right under
 * it. Used by the create-group dialog (under "Advanced") and the group's details panel.
 */
export function RetryPolicyFields({
  id,
  value,
  onChange,
  problems,
}: {
  id: string;
  value: RetryFieldsText;
  onChange: (next: RetryFieldsText) => void;
  problems: { retries: FieldProblem | undefined; interval: FieldProblem | undefined };
}) {
  const { t } = useI18n();
  return (
    <fieldset className="retry-fields">
      <legend>{t('retry.legend')}</legend>
      <p className="hint" id={`${id}-hint`}>
        {t('retry.hint', { retries: DEFAULT_RETRY_POLICY.maxRetries, seconds: DEFAULT_RETRY_POLICY.timeoutMs / 1000 })}
      </p>
      <div className="field">
        <label htmlFor={`${id}-retries`}>{t('retry.retries')}</label>
        <input
          id={`${id}-retries`}
          inputMode="numeric"
          autoComplete="off"
          placeholder={String(DEFAULT_RETRY_POLICY.maxRetries)}
          value={value.retries}
          onChange={(e) => onChange({ ...value, retries: e.target.value })}
          {...describedBy(`${id}-retries-error`, problems.retries, `${id}-hint`)}
        />
        <FieldError id={`${id}-retries-error`} problem={problems.retries} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-interval`}>{t('retry.interval')}</label>
        <input
          id={`${id}-interval`}
          inputMode="decimal"
          autoComplete="off"
          placeholder={String(DEFAULT_RETRY_POLICY.timeoutMs / 1000)}
          value={value.seconds}
          onChange={(e) => onChange({ ...value, seconds: e.target.value })}
          {...describedBy(`${id}-interval-error`, problems.interval, `${id}-hint`)}
        />
        <FieldError id={`${id}-interval-error`} problem={problems.interval} />
      </div>
    </fieldset>
  );
}
