import { useEffect, useId, useState } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { FieldError } from '../../components/field-error';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { useAppStore } from '../../state/app-store';
import { RetryPolicyFields } from './retry-policy-fields';
import { parseRetryFields, retryFieldsText, type RetryFieldsText } from './retry-policy-input';

/** The group's retry policy in its details panel: this device's setting, stored with the group. */
export function RetryPolicyForm({ group }: { group: GroupView }) {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const [text, setText] = useState<RetryFieldsText>(() => retryFieldsText(group.retryPolicy));
  const [saved, setSaved] = useState(false);
  const errors = useFieldErrors<'retries' | 'interval' | 'save'>({ retries: [], interval: [], save: ['RETRY_POLICY_INVALID'] }, { policy: 'save' });
  const { busy, run } = useBusyAction(errors);
  const { maxRetries, timeoutMs } = group.retryPolicy;
  // Another window (or the SDK) changed it: show the stored values.
  useEffect(() => setText(retryFieldsText({ maxRetries, timeoutMs })), [maxRetries, timeoutMs]);

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    setSaved(false);
    const parsed = parseRetryFields(text);
    if ('problems' in parsed) {
      if (parsed.problems.retries !== undefined) errors.setProblem('retries', { key: parsed.problems.retries });
      if (parsed.problems.interval !== undefined) errors.setProblem('interval', { key: parsed.problems.interval });
      return;
    }
    await run(async () => {
      const g = await call('groups.setRetryPolicy', { groupId: group.groupId, policy: parsed.policy });
      store.dispatch({ type: 'groups-upserted', groups: [g] });
      setSaved(true);
    }, 'save');
  };

  return (
    <form className="form details-section" onSubmit={(e) => void submit(e)} noValidate>
      <RetryPolicyFields id={id} value={text} onChange={setText} problems={{ retries: errors.problem('retries'), interval: errors.problem('interval') }} />
      <FieldError id={`${id}-save-error`} problem={errors.problem('save')} />
      <div className="button-row">
        <button type="submit" className="button small" disabled={busy}>
          {t('retry.save')}
        </button>
        {saved && (
          <span className="muted" role="status">
            {t('retry.saved')}
          </span>
        )}
      </div>
    </form>
  );
}
