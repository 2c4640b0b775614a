import { useEffect, useId, useRef, useState } from 'react';
import { call } from '../../api/kizuna-client';
import { FieldError, describedBy } from '../../components/field-error';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { reloadContacts } from '../../state/app-loader';
import { useAppState, useAppStore } from '../../state/app-store';

/** Adds a person from a pasted card or kizuna://contact/ link; the core checks the card's signature. */
export function AddContactForm() {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const [card, setCard] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const fieldRef = useRef<HTMLTextAreaElement>(null);
  const draft = useAppState((s) => s.contactDraft);
  useEffect(() => {
    if (draft === null) return;
    setCard(draft);
    store.dispatch({ type: 'contact-draft', card: null });
    fieldRef.current?.focus();
  }, [draft, store]);
  const errors = useFieldErrors(
    { card: ['INVALID_CONTACT_CARD', 'CONTACT_CARD_TOO_LARGE', 'CONTACT_ALREADY_ADDED', 'CONTACT_IS_SELF', 'CONTACT_BLOCKED', 'CONTACT_ALREADY_BLOCKED'] },
    { card: 'card' },
  );
  const { busy, run } = useBusyAction(errors);

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    setAdded(null);
    await run(async () => {
      const person = await call('contacts.add', { card: card.trim() });
      setCard('');
      setAdded(person.displayName);
      await reloadContacts(store);
    });
  };

  return (
    <section className="card-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('contacts.add')}</h2>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-card`}>{t('contacts.addField')}</label>
          <textarea
            ref={fieldRef}
            id={`${id}-card`}
            rows={3}
            value={card}
            spellCheck={false}
            onChange={(e) => setCard(e.target.value)}
            {...describedBy(`${id}-card-error`, errors.problem('card'))}
          />
          <FieldError id={`${id}-card-error`} problem={errors.problem('card')} />
        </div>
        <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
        <div className="button-row">
          <button type="submit" className="button primary" disabled={busy}>
            {t('contacts.addButton')}
          </button>
          <span role="status" className="success-text">
            {added === null ? '' : t('contacts.added', { name: added })}
          </span>
        </div>
      </form>
    </section>
  );
}
