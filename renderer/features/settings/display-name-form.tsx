import { useId, useState } from 'react';
import type { IdentityView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { FieldError, describedBy } from '../../components/field-error';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { useAppStore } from '../../state/app-store';

export function DisplayNameForm({ identity }: { identity: IdentityView }) {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const [name, setName] = useState(identity.displayName);
  const [saved, setSaved] = useState(false);
  const errors = useFieldErrors({ name: ['DISPLAY_NAME_INVALID'] }, { displayName: 'name' });
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    setSaved(false);
    try {
      store.dispatch({ type: 'identity', identity: await call('identity.rename', { displayName: name }) });
      setSaved(true);
    } catch (error) {
      errors.showError(error, 'name');
    }
  };
  return (
    <form className="form inline-form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field grow">
        <label htmlFor={`${id}-name`}>{t('settings.displayName')}</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} {...describedBy(`${id}-name-error`, errors.problem('name'))} />
        <FieldError id={`${id}-name-error`} problem={errors.problem('name')} />
      </div>
      <button type="submit" className="button">
        {t('common.save')}
      </button>
      <span role="status" className="success-text">
        {saved ? t('settings.saved') : ''}
      </span>
    </form>
  );
}
