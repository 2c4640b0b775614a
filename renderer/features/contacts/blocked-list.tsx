import { useId, useState } from 'react';
import { call } from '../../api/kizuna-client';
import { toCallError } from '../../api/call-error';
import { Avatar } from '../../components/avatar';
import { useI18n } from '../../i18n/i18n-context';
import { reloadContacts } from '../../state/app-loader';
import { useAppState, useAppStore } from '../../state/app-store';
import type { ErrorCode } from '../../../shared/errors/error-codes';

/** Blocked people: nothing from them is shown and they cannot be put in a group until unblocked. */
export function BlockedList() {
  const { t, errorText } = useI18n();
  const id = useId();
  const store = useAppStore();
  const blocked = useAppState((s) => s.blocked);
  const [error, setError] = useState<{ userId: string; code: ErrorCode } | null>(null);
  return (
    <section className="card-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('contacts.blockedTitle')}</h2>
      {blocked.length === 0 ? (
        <p className="muted">{t('contacts.blockedEmpty')}</p>
      ) : (
        <ul className="people-list" aria-label={t('contacts.blockedLabel')}>
          {blocked.map((p) => (
            <li key={p.userId} className="person-row">
              <Avatar id={p.userId} name={p.displayName} size={36} />
              <div className="person-text">
                <span className="person-name">{p.displayName}</span>
                {error?.userId === p.userId && (
                  <span className="field-error" role="alert">
                    {errorText(error.code)}
                  </span>
                )}
              </div>
              <button
                type="button"
                className="button small"
                aria-label={`${t('contacts.unblock')} ${p.displayName}`}
                onClick={() => {
                  setError(null);
                  call('contacts.unblock', { userId: p.userId })
                    .then(() => reloadContacts(store))
                    .catch((e: unknown) => setError({ userId: p.userId, code: toCallError(e).code }));
                }}
              >
                {t('contacts.unblock')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
