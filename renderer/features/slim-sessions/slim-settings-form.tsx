import { useId, useState } from 'react';
import type { ErrorCode } from '../../../shared/errors/error-codes';
import { toCallError } from '../../api/call-error';
import { call } from '../../api/kizuna-client';
import { useI18n } from '../../i18n/i18n-context';
import { setSlimState, useSlimUi } from './slim-sessions-store';

/**
 * Settings for SLIM sessions: the SLIM name SLIM apps invite (org/ns/app) and SLIM's shared secret.
 * The secret is write-only: the core keeps it in the profile and never sends it back.
 */
export function SlimSettingsForm() {
  const { t, errorText } = useI18n();
  const id = useId();
  const { state } = useSlimUi();
  const [name, setName] = useState(state.name ?? '');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<ErrorCode | null>(null);
  const [saved, setSaved] = useState(false);
  const tooShort = secret.length > 0 && secret.length < 32;
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      setSlimState(await call('slim.configure', { name: name.trim(), sharedSecret: secret }));
      setSecret('');
      setSaved(true);
    } catch (err) {
      setError(toCallError(err).code);
    }
  };
  return (
    <section className="card-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('slim.settings.title')}</h2>
      <p className="hint">{t('slim.settings.hint')}</p>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('slim.settings.name')}</label>
          <input id={`${id}-name`} value={name} placeholder="org/ns/me" onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-secret`}>{t('slim.settings.secret')}</label>
          <input id={`${id}-secret`} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
          {tooShort && <span className="hint">{t('slim.settings.secretShort')}</span>}
        </div>
        {error !== null && (
          <p className="field-error" role="alert">
            {errorText(error)}
          </p>
        )}
        <button type="submit" className="button" disabled={secret.length < 32 || name.trim() === ''}>
          {t('common.save')}
        </button>
        <span role="status" className="success-text">
          {saved ? (state.listening ? t('slim.settings.listening', { name: state.name ?? '' }) : t('settings.saved')) : ''}
        </span>
        {state.error !== null && <p className="field-error">{t('slim.settings.failed', { reason: state.error })}</p>}
      </form>
    </section>
  );
}
