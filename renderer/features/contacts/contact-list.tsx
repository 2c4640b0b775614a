import { useId, useState } from 'react';
import type { PersonView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { toCallError } from '../../api/call-error';
import { Avatar } from '../../components/avatar';
import { VerifiedMark } from '../../components/verified-mark';
import { SafetyNumberDialog } from './safety-number-dialog';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n-context';
import { reloadContacts } from '../../state/app-loader';
import { useAppState, useAppStore } from '../../state/app-store';
import type { ErrorCode } from '../../../shared/errors/error-codes';

/** The user's contacts, each with block and remove; an error shows on the row it concerns. */
export function ContactList() {
  const { t } = useI18n();
  const id = useId();
  const contacts = useAppState((s) => s.contacts);
  return (
    <section className="card-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('contacts.listLabel')}</h2>
      {contacts.length === 0 ? (
        <p className="muted">{t('contacts.empty')}</p>
      ) : (
        <ul className="people-list" aria-labelledby={`${id}-title`}>
          {contacts.map((p) => (
            <ContactRow key={p.userId} person={p} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ContactRow({ person }: { person: PersonView }) {
  const { t, errorText } = useI18n();
  const store = useAppStore();
  const [error, setError] = useState<ErrorCode | null>(null);
  const [showNumber, setShowNumber] = useState(false);
  const [confirmingBlock, setConfirmingBlock] = useState(false);
  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await action();
      await reloadContacts(store);
    } catch (e) {
      setError(toCallError(e).code);
    }
  };
  return (
    <li className="person-row">
      <Avatar id={person.userId} name={person.displayName} size={36} />
      <div className="person-text">
        <span className="person-name">
          {person.displayName}
          {person.verified === true && <VerifiedMark name={person.displayName} />}
        </span>
        {(person.keyChangedAt ?? null) !== null ? (
          <span className="person-sub key-changed">{t('verify.changedShort')}</span>
        ) : (
          <span className="person-sub">{person.verified === true ? t('verify.verifiedShort') : t('verify.notVerifiedShort')}</span>
        )}
        {error !== null && (
          <span className="field-error" role="alert">
            {errorText(error)}
          </span>
        )}
      </div>
      <div className="row-actions">
        <button
          type="button"
          className="button small"
          aria-label={t('verify.open', { name: person.displayName })}
          onClick={() => setShowNumber(true)}
        >
          {t('verify.openShort')}
        </button>
        <button
          type="button"
          className="button small"
          aria-label={`${t('contacts.block')} ${person.displayName}`}
          onClick={() => setConfirmingBlock(true)}
        >
          {t('contacts.block')}
        </button>
        {confirmingBlock && (
          <ConfirmDialog
            title={t('contacts.confirmBlockTitle', { name: person.displayName })}
            confirmLabel={t('contacts.block')}
            danger
            onConfirm={() => void act(() => call('contacts.block', { userId: person.userId }))}
            onClose={() => setConfirmingBlock(false)}
          >
            <p>{t('contacts.confirmBlock', { name: person.displayName })}</p>
          </ConfirmDialog>
        )}
        <button
          type="button"
          className="button small subtle"
          aria-label={`${t('contacts.remove')} ${person.displayName}`}
          onClick={() => void act(() => call('contacts.remove', { userId: person.userId }))}
        >
          {t('contacts.remove')}
        </button>
      </div>
      {showNumber && <SafetyNumberDialog userId={person.userId} onClose={() => setShowNumber(false)} />}
    </li>
  );
}
