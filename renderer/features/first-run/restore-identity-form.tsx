import { useId, useState } from 'react';
import { call } from '../../api/kizuna-client';
import { FieldError, describedBy } from '../../components/field-error';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import type { IdentityFormProps } from './create-identity-form';

/** Restores an identity exported on another computer (Settings → Back up), opened with its passphrase. */
export function RestoreIdentityForm({ prepare, finish, children }: IdentityFormProps) {
  const { t } = useI18n();
  const id = useId();
  const [content, setContent] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const errors = useFieldErrors(
    { file: ['IDENTITY_FILE_INVALID', 'IDENTITY_EXISTS'], passphrase: [] },
    { content: 'file', passphrase: 'passphrase' },
  );
  const { busy, run } = useBusyAction(errors);

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    if (content === null) {
      errors.setProblem('file', { key: 'firstRun.fileMissing' });
      return;
    }
    await run(async () => {
      if (!(await prepare())) return;
      await call('identity.restore', { content, passphrase });
      await finish();
    });
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('firstRun.restoreFile')}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".json,.kizuna,application/json,text/plain"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file === undefined) setContent(null);
            // Exports are small text files; anything above the contract's 64 KiB is not one.
            else void file.slice(0, 64 * 1024 + 1).text().then(setContent);
          }}
          {...describedBy(`${id}-file-error`, errors.problem('file'))}
        />
        <FieldError id={`${id}-file-error`} problem={errors.problem('file')} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-pass`}>{t('firstRun.restorePassphrase')}</label>
        <input
          id={`${id}-pass`}
          type="password"
          autoComplete="current-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          {...describedBy(`${id}-pass-error`, errors.problem('passphrase'))}
        />
        <FieldError id={`${id}-pass-error`} problem={errors.problem('passphrase')} />
      </div>
      {children}
      <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? t('common.working') : t('firstRun.restoreButton')}
      </button>
    </form>
  );
}
