import { useId, useState } from 'react';
import { call } from '../../api/kizuna-client';
import { FieldError, describedBy } from '../../components/field-error';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';

/** Exports the identity's keys under a passphrase and saves the file through the browser's download. */
export function ExportIdentityForm() {
  const { t } = useI18n();
  const id = useId();
  const [passphrase, setPassphrase] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const errors = useFieldErrors({ passphrase: ['PASSPHRASE_TOO_SHORT'] }, { passphrase: 'passphrase' });
  const { busy, run } = useBusyAction(errors);
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    setSaved(null);
    await run(async () => {
      const file = await call('identity.export', { passphrase });
      const url = URL.createObjectURL(new Blob([file.content], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = file.fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setPassphrase('');
      setSaved(file.fileName);
    }, 'passphrase');
  };
  return (
    <section className="card-section">
      <h2>{t('settings.backup')}</h2>
      <p className="hint">{t('settings.backupHint')}</p>
      <form className="form inline-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field grow">
          <label htmlFor={`${id}-pass`}>{t('settings.passphrase')}</label>
          <input
            id={`${id}-pass`}
            type="password"
            autoComplete="new-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            {...describedBy(`${id}-pass-error`, errors.problem('passphrase'))}
          />
          <FieldError id={`${id}-pass-error`} problem={errors.problem('passphrase')} />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {t('settings.export')}
        </button>
      </form>
      <p role="status" className="success-text">
        {saved === null ? '' : t('settings.exported', { file: saved })}
      </p>
    </section>
  );
}
