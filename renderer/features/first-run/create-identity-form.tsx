import { useId, useState, type ReactNode } from 'react';
import { call } from '../../api/kizuna-client';
import { FieldError, describedBy } from '../../components/field-error';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';

export interface IdentityFormProps {
  /** Saves the node choice; false when it is incomplete (the node field shows why). */
  prepare: () => Promise<boolean>;
  /** Loads the new profile and enters the app. */
  finish: () => Promise<void>;
  /** The node choice, shown above the submit button. */
  children?: ReactNode;
}

export function CreateIdentityForm({ prepare, finish, children }: IdentityFormProps) {
  const { t } = useI18n();
  const id = useId();
  const [name, setName] = useState('');
  const errors = useFieldErrors({ displayName: ['DISPLAY_NAME_INVALID', 'IDENTITY_EXISTS'] }, { displayName: 'displayName' });
  const { busy, run } = useBusyAction(errors);

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      if (!(await prepare())) return;
      await call('identity.create', { displayName: name });
      await finish();
    });
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('firstRun.displayName')}</label>
        <input
          id={`${id}-name`}
          value={name}
          autoComplete="nickname"
          autoFocus
          onChange={(e) => setName(e.target.value)}
          {...describedBy(`${id}-name-error`, errors.problem('displayName'), `${id}-name-hint`)}
        />
        <FieldError id={`${id}-name-error`} problem={errors.problem('displayName')} />
        <p id={`${id}-name-hint`} className="hint">
          {t('firstRun.displayNameHint')}
        </p>
      </div>
      {children}
      <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? t('common.working') : t('firstRun.createButton')}
      </button>
    </form>
  );
}
